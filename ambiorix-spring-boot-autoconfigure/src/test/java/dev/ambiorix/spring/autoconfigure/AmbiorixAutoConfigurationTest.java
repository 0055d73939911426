package dev.ambiorix.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.RawWebSocketHandler;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.endpoint.AmbiorixWebSocketHandler;
import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;
import dev.ambiorix.spring.handler.BeanValidationPayloadValidator;
import dev.ambiorix.spring.handler.EnvelopeDispatcher;
import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.handler.PayloadConverter;
import dev.ambiorix.spring.handler.PayloadValidator;
import dev.ambiorix.spring.handler.ReceiveHandlerDefinitionException;
import dev.ambiorix.spring.handler.ReceiveMethodProcessor;
import dev.ambiorix.spring.protocol.EnvelopeReader;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import dev.ambiorix.spring.protocol.JsonLimits;
import dev.ambiorix.spring.session.ClientConnections;
import dev.ambiorix.spring.session.ClientSupervisor;
import dev.ambiorix.spring.session.DefaultWebSocketClients;
import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.LocalFrameDelivery;
import dev.ambiorix.spring.session.OutboundLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.HttpSessionHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The auto-configuration's beans, properties, back-off and startup failures.
 */
class AmbiorixAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, ValidationAutoConfiguration.class,
				AmbiorixAutoConfiguration.class));

	@Test
	void defaultsCreateTheEndpointAndItsParts() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(AmbiorixWebSocketHandler.class);
			assertThat(context).hasBean("ambiorixWebSocketHandlerMapping");
			assertThat(context).hasSingleBean(WebSocketClients.class);
			assertThat(context).hasSingleBean(ClientSupervisor.class);
			assertThat(context).hasSingleBean(BeanValidationPayloadValidator.class);
			assertThat(context).hasBean("ambiorixWebSocketRequestHandler");
			AmbiorixProperties properties = context.getBean(AmbiorixProperties.class);
			assertThat(properties.getWebsocket().getPaths()).containsExactly("/");
			assertThat(properties.getWebsocket().getAllowedOriginPatterns()).isEmpty();
			assertThat(properties.getWebsocket().getMaxTextMessageSize()).isEqualTo(DataSize.ofKilobytes(64));
			assertThat(properties.getWebsocket().getSendBufferSize()).isEqualTo(DataSize.ofMegabytes(4));
			assertThat(properties.getWebsocket().getSendTimeLimit()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getWebsocket().getPingInterval()).isEqualTo(Duration.ofSeconds(25));
			assertThat(properties.getWebsocket().getIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
			assertThat(properties.getWebsocket().getRateLimit().getMessagesPerSecond()).isZero();
			assertThat(properties.getJson().getMaxNestingDepth()).isEqualTo(JsonLimits.DEFAULTS.maxNestingDepth());
			assertThat(properties.getJson().getMaxStringLength()).isEqualTo(JsonLimits.DEFAULTS.maxStringLength());
			assertThat(properties.getJson().getMaxNumberLength()).isEqualTo(JsonLimits.DEFAULTS.maxNumberLength());
			assertThat(properties.getErrors().isIncludeExceptionMessage()).isFalse();
		});
	}

	@Test
	void propertiesBind() {
		this.runner
			.withPropertyValues("ambiorix.websocket.paths=/ws",
					"ambiorix.websocket.allowed-origin-patterns=https://*.a.com",
					"ambiorix.websocket.max-text-message-size=128KB", "ambiorix.websocket.send-buffer-size=2MB",
					"ambiorix.websocket.send-time-limit=3s", "ambiorix.websocket.ping-interval=5s",
					"ambiorix.websocket.idle-timeout=12s", "ambiorix.websocket.rate-limit.messages-per-second=20",
					"ambiorix.websocket.rate-limit.burst=40", "ambiorix.websocket.rate-limit.max-violations=3",
					"ambiorix.websocket.rate-limit.violation-window=2s", "ambiorix.json.max-nesting-depth=10",
					"ambiorix.json.max-string-length=100", "ambiorix.json.max-number-length=20",
					"ambiorix.json.max-name-length=30", "ambiorix.errors.include-exception-message=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				AmbiorixProperties properties = context.getBean(AmbiorixProperties.class);
				AmbiorixProperties.Websocket websocket = properties.getWebsocket();
				assertThat(websocket.getPaths()).containsExactly("/ws");
				assertThat(websocket.getAllowedOriginPatterns()).containsExactly("https://*.a.com");
				assertThat(websocket.getMaxTextMessageSize()).isEqualTo(DataSize.ofKilobytes(128));
				assertThat(websocket.getSendBufferSize()).isEqualTo(DataSize.ofMegabytes(2));
				assertThat(websocket.getSendTimeLimit()).isEqualTo(Duration.ofSeconds(3));
				assertThat(websocket.getPingInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(websocket.getIdleTimeout()).isEqualTo(Duration.ofSeconds(12));
				assertThat(websocket.getRateLimit().getMessagesPerSecond()).isEqualTo(20);
				assertThat(websocket.getRateLimit().getBurst()).isEqualTo(40);
				assertThat(websocket.getRateLimit().getMaxViolations()).isEqualTo(3);
				assertThat(websocket.getRateLimit().getViolationWindow()).isEqualTo(Duration.ofSeconds(2));
				assertThat(properties.getJson().getMaxNestingDepth()).isEqualTo(10);
				assertThat(properties.getJson().getMaxStringLength()).isEqualTo(100);
				assertThat(properties.getJson().getMaxNumberLength()).isEqualTo(20);
				assertThat(properties.getJson().getMaxNameLength()).isEqualTo(30);
				assertThat(properties.getErrors().isIncludeExceptionMessage()).isTrue();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "ambiorix.websocket.max-text-message-size=0", "ambiorix.websocket.send-time-limit=0s",
			"ambiorix.websocket.send-buffer-size=0", "ambiorix.websocket.ping-interval=-1s",
			"ambiorix.websocket.idle-timeout=-1s", "ambiorix.websocket.rate-limit.messages-per-second=-1",
			"ambiorix.websocket.rate-limit.burst=-1", "ambiorix.websocket.rate-limit.max-violations=-1",
			"ambiorix.websocket.rate-limit.violation-window=0s", "ambiorix.json.max-nesting-depth=0",
			"ambiorix.json.max-string-length=0", "ambiorix.json.max-number-length=0", "ambiorix.json.max-name-length=0",
			"ambiorix.websocket.paths=ws" })
	void invalidPropertyFailsStartupNamingTheProperty(String property) {
		String name = property.substring(0, property.indexOf('='));
		this.runner.withPropertyValues(property).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining(name);
		});
	}

	@Test
	void idleTimeoutNotAbovePingIntervalFailsStartup() {
		this.runner.withPropertyValues("ambiorix.websocket.ping-interval=30s", "ambiorix.websocket.idle-timeout=30s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("ambiorix.websocket.idle-timeout")
					.hasMessageContaining("ambiorix.websocket.ping-interval");
			});
	}

	@Test
	void disabledCreatesNothing() {
		this.runner.withPropertyValues("ambiorix.websocket.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(AmbiorixWebSocketHandler.class);
			assertThat(context).doesNotHaveBean("ambiorixWebSocketHandlerMapping");
			assertThat(context).doesNotHaveBean(WebSocketClients.class);
			assertThat(context).doesNotHaveBean(ReceiveMethodProcessor.class);
			assertThat(context).doesNotHaveBean(AmbiorixProperties.class);
		});
	}

	@Test
	void withoutBeanValidationMessagesAreNotValidated() {
		this.runner.withClassLoader(new FilteredClassLoader("jakarta.validation")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(PayloadValidator.class);
			assertThat(context).hasSingleBean(PayloadConverter.class);
		});
	}

	@Test
	void withoutJacksonAutoConfigurationAPlainMapperIsUsed() {
		new WebApplicationContextRunner().withConfiguration(AutoConfigurations.of(AmbiorixAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(EnvelopeWriter.class);
				assertThat(context.getBean(EnvelopeWriter.class).write("a", 1))
					.isEqualTo("{\"name\":\"a\",\"message\":1,\"isAmbiorix\":true}");
			});
	}

	@Test
	void rawWebSocketHandlerTakesOverTheEndpointOnlyWhenQualified() {
		this.runner.withUserConfiguration(RawHandlerConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(WebSocketHandlerDecorator
				.unwrap(context.getBean("ambiorixWebSocketRequestHandler", WebSocketHttpRequestHandler.class)
					.getWebSocketHandler()))
				.isSameAs(context.getBean("rawHandler"));
		});
	}

	@Test
	void otherWebSocketHandlersLeaveTheEndpointAlone() {
		this.runner.withUserConfiguration(OtherHandlersConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(WebSocketHandlerDecorator
				.unwrap(context.getBean("ambiorixWebSocketRequestHandler", WebSocketHttpRequestHandler.class)
					.getWebSocketHandler()))
				.isSameAs(context.getBean(AmbiorixWebSocketHandler.class));
		});
	}

	@Test
	void endpointCustomizersAreApplied() {
		HandshakeInterceptor interceptor = new HttpSessionHandshakeInterceptor();
		this.runner
			.withBean(WebSocketEndpointCustomizer.class,
					() -> (requestHandler) -> requestHandler.getHandshakeInterceptors().add(interceptor))
			.run((context) -> assertThat(
					context.getBean("ambiorixWebSocketRequestHandler", WebSocketHttpRequestHandler.class)
						.getHandshakeInterceptors())
				.contains(interceptor));
	}

	@Test
	void customClientScriptConfigurerBacksOff() {
		WebMvcConfigurer mine = new WebMvcConfigurer() {
		};
		this.runner.withBean("ambiorixClientScriptConfigurer", WebMvcConfigurer.class, () -> mine)
			.run((context) -> assertThat(context.getBean("ambiorixClientScriptConfigurer")).isSameAs(mine));
	}

	@Test
	void customEnvelopeReaderBacksOff() {
		assertBacksOff(EnvelopeReader.class, () -> new EnvelopeReader(JsonLimits.DEFAULTS));
	}

	@Test
	void customEnvelopeWriterBacksOff() {
		assertBacksOff(EnvelopeWriter.class, () -> new EnvelopeWriter(JsonMapper.builder().build()));
	}

	@Test
	void customLocalClientsBacksOff() {
		assertBacksOff(LocalClients.class, LocalClients::new);
	}

	@Test
	void customFrameDeliveryBacksOff() {
		assertBacksOff(FrameDelivery.class, () -> new LocalFrameDelivery(new LocalClients()));
	}

	@Test
	void customWebSocketClientsBacksOff() {
		assertBacksOff(WebSocketClients.class, () -> new DefaultWebSocketClients(new LocalClients(),
				new LocalFrameDelivery(new LocalClients()), new EnvelopeWriter(JsonMapper.builder().build())));
	}

	@Test
	void customClientConnectionsBacksOff() {
		assertBacksOff(ClientConnections.class, () -> new ClientConnections(new LocalClients(),
				new EnvelopeWriter(JsonMapper.builder().build()), new OutboundLimits(1000, Duration.ofSeconds(1))));
	}

	@Test
	void customClientSupervisorBacksOff() {
		assertBacksOff(ClientSupervisor.class,
				() -> new ClientSupervisor(new LocalClients(), Duration.ofSeconds(1), Duration.ZERO, Duration.ZERO));
	}

	@Test
	void customHandlerRegistryBacksOff() {
		assertBacksOff(HandlerRegistry.class, HandlerRegistry::new);
	}

	@Test
	void customPayloadValidatorBacksOff() {
		assertBacksOff(PayloadValidator.class, () -> PayloadValidator.NONE);
	}

	@Test
	void customPayloadConverterBacksOff() {
		assertBacksOff(PayloadConverter.class,
				() -> new PayloadConverter(JsonMapper.builder().build(), PayloadValidator.NONE));
	}

	@Test
	void customReceiveMethodProcessorBacksOff() {
		assertBacksOff(ReceiveMethodProcessor.class, () -> new ReceiveMethodProcessor(new HandlerRegistry(),
				new PayloadConverter(JsonMapper.builder().build(), PayloadValidator.NONE)));
	}

	@Test
	void customEnvelopeDispatcherBacksOff() {
		assertBacksOff(EnvelopeDispatcher.class,
				() -> new EnvelopeDispatcher(new HandlerRegistry(),
						new DefaultWebSocketClients(new LocalClients(), new LocalFrameDelivery(new LocalClients()),
								new EnvelopeWriter(JsonMapper.builder().build())),
						new EnvelopeWriter(JsonMapper.builder().build()), false));
	}

	@Test
	void customUpgradeMappingBacksOff() {
		WebSocketHandlerMapping mine = new WebSocketHandlerMapping();
		this.runner.withBean("ambiorixWebSocketHandlerMapping", WebSocketHandlerMapping.class, () -> mine)
			.run((context) -> assertThat(context.getBean("ambiorixWebSocketHandlerMapping")).isSameAs(mine));
	}

	@SuppressWarnings("unchecked")
	private <T> void assertBacksOff(Class<T> type, Supplier<? extends T> custom) {
		T mine = custom.get();
		this.runner.withBean("custom", (Class<Object>) mine.getClass(), () -> mine).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBeans(type).hasSize(1);
			assertThat(context.getBean(type)).isSameAs(mine);
		});
	}

	@Test
	void duplicateNamesFailStartupNamingBothMethods() {
		this.runner.withUserConfiguration(DuplicateHandlers.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(ReceiveHandlerDefinitionException.class)
				.hasMessageContaining("Two @Receive(\"chat\") handlers")
				.hasMessageContaining("FirstChat#chat(String)")
				.hasMessageContaining("SecondChat#onChat(String)");
		});
	}

	@Test
	void reservedNameFailsStartup() {
		this.runner.withBean(ReservedName.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(ReceiveHandlerDefinitionException.class)
				.hasMessageContaining("@Receive(\"ambiorix:error\")")
				.hasMessageContaining("ReservedName#spoof()")
				.hasMessageContaining("reserved");
		});
	}

	@Test
	void emptyNameFailsStartup() {
		this.runner.withBean(EmptyName.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasMessageContaining("must not be empty");
		});
	}

	@Test
	void unresolvableParameterFailsStartup() {
		this.runner.withBean(TwoPayloads.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(ReceiveHandlerDefinitionException.class)
				.hasMessageContaining("TwoPayloads#both(String, Integer)")
				.hasMessageContaining("parameter 2 (Integer) cannot be resolved");
		});
	}

	@Test
	void handlersAreRegisteredByName() {
		this.runner.withUserConfiguration(DuplicateHandlers.FirstChat.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(HandlerRegistry.class).names()).containsExactly("chat");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class RawHandlerConfiguration {

		@Bean
		@RawWebSocketHandler
		WebSocketHandler rawHandler() {
			return new TextWebSocketHandler();
		}

		@Bean
		WebSocketHandler otherHandler() {
			return new TextWebSocketHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OtherHandlersConfiguration {

		@Bean
		WebSocketHandler firstHandler() {
			return new TextWebSocketHandler();
		}

		@Bean
		WebSocketHandler secondHandler() {
			return new TextWebSocketHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class DuplicateHandlers {

		@Bean
		FirstChat firstChat() {
			return new FirstChat();
		}

		@Bean
		SecondChat secondChat() {
			return new SecondChat();
		}

		static class FirstChat {

			@Receive("chat")
			void chat(String text) {
			}

		}

		static class SecondChat {

			@Receive("chat")
			void onChat(String text) {
			}

		}

	}

	static class ReservedName {

		@Receive("ambiorix:error")
		void spoof() {
		}

	}

	static class EmptyName {

		@Receive("")
		void nothing() {
		}

	}

	static class TwoPayloads {

		@Receive("both")
		void both(String text, Integer number) {
		}

	}

}
