package dev.ambiorix.spring.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import dev.ambiorix.spring.RawWebSocketHandler;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.endpoint.AmbiorixWebSocketHandler;
import dev.ambiorix.spring.endpoint.InboundLimits;
import dev.ambiorix.spring.endpoint.UpgradeStrategies;
import dev.ambiorix.spring.endpoint.WebSocketEndpointCustomizer;
import dev.ambiorix.spring.handler.BeanValidationPayloadValidator;
import dev.ambiorix.spring.handler.EnvelopeDispatcher;
import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.handler.InvocationScope;
import dev.ambiorix.spring.handler.PayloadConverter;
import dev.ambiorix.spring.handler.PayloadValidator;
import dev.ambiorix.spring.handler.ReceiveMethodProcessor;
import dev.ambiorix.spring.protocol.EnvelopeReader;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import dev.ambiorix.spring.protocol.JsonLimits;
import dev.ambiorix.spring.session.AmbiorixMonitor;
import dev.ambiorix.spring.session.ClientConnections;
import dev.ambiorix.spring.session.ConnectionLog;
import dev.ambiorix.spring.recovery.Recovery;
import dev.ambiorix.spring.session.ClientSupervisor;
import dev.ambiorix.spring.session.ConnectionRecovery;
import dev.ambiorix.spring.session.DefaultWebSocketClients;
import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.LocalFrameDelivery;
import dev.ambiorix.spring.session.MemberDirectory;
import dev.ambiorix.spring.session.OutboundLimits;
import jakarta.servlet.ServletContext;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.support.WebSocketHandlerMapping;
import org.springframework.web.socket.server.support.OriginHandshakeInterceptor;
import org.springframework.web.socket.server.support.WebSocketHttpRequestHandler;

/**
 * Auto-configuration of the Ambiorix WebSocket endpoint: {@code @Receive} handlers,
 * {@link WebSocketClients}, upgrades on {@code /} and {@code /static/ambiorix.js}. Every
 * bean backs off when the application defines its own. A {@link WebSocketHandler} bean
 * qualified {@link RawWebSocketHandler @RawWebSocketHandler} takes over the raw
 * connection; the application's other WebSocket endpoints live beside ours.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ WebSocketHandler.class, DispatcherServlet.class, JsonMapper.class })
@ConditionalOnBooleanProperty(name = "ambiorix.websocket.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AmbiorixProperties.class)
public final class AmbiorixAutoConfiguration {

	/** Where the client script is served, as in Ambiorix's own documentation. */
	static final String CLIENT_SCRIPT_PATTERN = "/static/ambiorix.*";

	@Bean
	@ConditionalOnMissingBean
	EnvelopeReader ambiorixEnvelopeReader(AmbiorixProperties properties) {
		AmbiorixProperties.Json json = properties.getJson();
		return new EnvelopeReader(new JsonLimits(json.getMaxNestingDepth(), json.getMaxStringLength(),
				json.getMaxNumberLength(), json.getMaxNameLength()));
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeWriter ambiorixEnvelopeWriter(ObjectProvider<JsonMapper> jsonMapper) {
		return new EnvelopeWriter(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	/**
	 * This node's clients, which tell the connection log and every
	 * {@link AmbiorixMonitor} bean (metrics, observations) what happens to them.
	 */
	@Bean
	@ConditionalOnMissingBean
	LocalClients ambiorixLocalClients(ObjectProvider<AmbiorixMonitor> monitors) {
		return new LocalClients(
				AmbiorixMonitor.of(Stream.concat(Stream.of(new ConnectionLog()), monitors.orderedStream()).toList()));
	}

	@Bean
	@ConditionalOnMissingBean(FrameDelivery.class)
	LocalFrameDelivery ambiorixFrameDelivery(LocalClients clients) {
		return new LocalFrameDelivery(clients);
	}

	@Bean
	@ConditionalOnMissingBean(WebSocketClients.class)
	DefaultWebSocketClients webSocketClients(LocalClients clients, FrameDelivery delivery, EnvelopeWriter writer,
			ObjectProvider<MemberDirectory> directory, ObjectProvider<Recovery> recovery) {
		Recovery recovering = recovery.getIfAvailable();
		return new DefaultWebSocketClients(clients, (recovering != null) ? recovering.delivery() : delivery, writer,
				directory.getIfAvailable(() -> MemberDirectory.local(clients)));
	}

	@Bean
	@ConditionalOnMissingBean
	ClientConnections ambiorixClientConnections(LocalClients clients, EnvelopeWriter writer,
			AmbiorixProperties properties) {
		AmbiorixProperties.Websocket websocket = properties.getWebsocket();
		return new ClientConnections(clients, writer,
				new OutboundLimits(websocket.getSendBufferSize().toBytes(), websocket.getSendTimeLimit()),
				websocket.getMaxTextMessageSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	ClientSupervisor ambiorixClientSupervisor(LocalClients clients, AmbiorixProperties properties) {
		AmbiorixProperties.Websocket websocket = properties.getWebsocket();
		return new ClientSupervisor(clients, websocket.getSendTimeLimit(), websocket.getPingInterval(),
				websocket.getIdleTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	HandlerRegistry ambiorixHandlerRegistry() {
		return new HandlerRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	PayloadConverter ambiorixPayloadConverter(ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<PayloadValidator> validator, AmbiorixProperties properties) {
		return new PayloadConverter(jsonMapper.getIfAvailable(JsonMapper::new),
				validator.getIfAvailable(() -> PayloadValidator.NONE),
				properties.getErrors().isIncludeExceptionMessage());
	}

	@Bean
	@ConditionalOnMissingBean
	ReceiveMethodProcessor ambiorixReceiveMethodProcessor(HandlerRegistry registry, PayloadConverter payloads) {
		return new ReceiveMethodProcessor(registry, payloads);
	}

	@Bean
	@ConditionalOnMissingBean
	EnvelopeDispatcher ambiorixEnvelopeDispatcher(HandlerRegistry registry, WebSocketClients clients,
			EnvelopeWriter writer, AmbiorixProperties properties, ObjectProvider<InvocationScope> scope) {
		return new EnvelopeDispatcher(registry, clients, writer, properties.getErrors().isIncludeExceptionMessage(),
				scope.getIfAvailable(() -> InvocationScope.NONE));
	}

	@Bean
	@ConditionalOnMissingBean(value = AmbiorixWebSocketHandler.class, annotation = RawWebSocketHandler.class)
	AmbiorixWebSocketHandler ambiorixWebSocketHandler(ClientConnections connections, LocalClients clients,
			EnvelopeReader reader, EnvelopeDispatcher dispatcher, ApplicationEventPublisher events,
			AmbiorixProperties properties, ObjectProvider<ConnectionRecovery> recovery) {
		AmbiorixProperties.Websocket websocket = properties.getWebsocket();
		InboundLimits limits = new InboundLimits(websocket.getMaxTextMessageSize().toBytes(),
				websocket.getRateLimit().getMessagesPerSecond(), websocket.getRateLimit().getBurst(),
				websocket.getRateLimit().getMaxViolations(), websocket.getRateLimit().getViolationWindow());
		return new AmbiorixWebSocketHandler(connections, clients, reader, dispatcher, events, limits,
				recovery.getIfAvailable(() -> ConnectionRecovery.NONE));
	}

	/**
	 * The upgrade at our paths: to our endpoint, or to the application's
	 * {@link RawWebSocketHandler @RawWebSocketHandler} when it declares one. Any other
	 * {@link WebSocketHandler} bean (STOMP's, say) lives at its own paths.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "ambiorixWebSocketRequestHandler")
	WebSocketHttpRequestHandler ambiorixWebSocketRequestHandler(ObjectProvider<AmbiorixWebSocketHandler> endpoint,
			@RawWebSocketHandler ObjectProvider<WebSocketHandler> rawHandler, AmbiorixProperties properties,
			ObjectProvider<ServletContext> servletContext, ObjectProvider<WebSocketEndpointCustomizer> customizers) {
		WebSocketHttpRequestHandler requestHandler = new WebSocketHttpRequestHandler(
				rawHandler.getIfUnique(endpoint::getObject), UpgradeStrategies
					.handshakeHandlerFor(servletContext.getIfAvailable(), properties.getWebsocket().getCompression()));
		OriginHandshakeInterceptor origins = new OriginHandshakeInterceptor();
		origins.setAllowedOriginPatterns(properties.getWebsocket().getAllowedOriginPatterns());
		requestHandler.getHandshakeInterceptors().add(origins);
		customizers.orderedStream().forEach((customizer) -> customizer.customize(requestHandler));
		return requestHandler;
	}

	/**
	 * Maps upgrade requests, and only those, at our paths: a plain {@code GET /} still
	 * reaches the application's own page. Before controllers and the welcome page, which
	 * may also claim {@code /}.
	 */
	@Bean
	@ConditionalOnMissingBean(name = "ambiorixWebSocketHandlerMapping")
	WebSocketHandlerMapping ambiorixWebSocketHandlerMapping(WebSocketHttpRequestHandler ambiorixWebSocketRequestHandler,
			AmbiorixProperties properties) {
		WebSocketHandlerMapping mapping = new WebSocketHandlerMapping();
		Map<String, Object> urlMap = new LinkedHashMap<>();
		properties.getWebsocket().getPaths().forEach((path) -> urlMap.put(path, ambiorixWebSocketRequestHandler));
		mapping.setUrlMap(urlMap);
		mapping.setWebSocketUpgradeMatch(true);
		mapping.setOrder(Ordered.HIGHEST_PRECEDENCE + 100);
		return mapping;
	}

	@Bean
	@ConditionalOnMissingBean(name = "ambiorixClientScriptConfigurer")
	WebMvcConfigurer ambiorixClientScriptConfigurer() {
		return new WebMvcConfigurer() {

			@Override
			public void addResourceHandlers(ResourceHandlerRegistry registry) {
				registry.addResourceHandler(CLIENT_SCRIPT_PATTERN)
					.addResourceLocations("classpath:/META-INF/ambiorix/");
			}

		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.validation.Validator")
	static class BeanValidationConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBean(jakarta.validation.Validator.class)
		PayloadValidator ambiorixPayloadValidator(jakarta.validation.Validator validator) {
			return new BeanValidationPayloadValidator(validator);
		}

	}

}
