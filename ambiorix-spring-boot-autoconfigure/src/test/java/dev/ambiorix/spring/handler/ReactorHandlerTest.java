package dev.ambiorix.spring.handler;

import java.time.Duration;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler that returns a {@code Mono} replies when it completes, like one that returns
 * a {@code CompletionStage}; one that returns a {@code Flux} fails startup.
 */
@SpringBootTest(classes = { TestApplication.class, ReactorHandlerTest.Handlers.class },
		webEnvironment = WebEnvironment.RANDOM_PORT)
class ReactorHandlerTest {

	@LocalServerPort
	int port;

	@Test
	void monoRepliesWhenItCompletesWithTheRequestId() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.request("monoLater", "hi", 7);
			assertThat(client.next().toString())
				.isEqualTo("{\"name\":\"monoLater\",\"message\":\"later:hi\",\"isAmbiorix\":true,\"id\":7}");
		}
	}

	@Test
	void emptyMonoSendsNothingAndAFailedOneIsAHandlerError() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.request("monoEmpty", null, 1);
			client.request("monoFails", null, 2);
			JsonAssert.error(client.next(), 2);
			client.request("monoLater", "last", 3);
			assertThat(client.next().get("id").intValue()).as("nothing for the empty Mono before this").isEqualTo(3);
		}
	}

	@Test
	void fluxFailsStartupNamingTheMethod() {
		new WebApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AmbiorixAutoConfiguration.class))
			.withBean(FluxHandler.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).isInstanceOf(ReceiveHandlerDefinitionException.class)
					.hasMessageContaining("FluxHandler#ticks()")
					.hasMessageContaining("returns a Flux, but a message has at most one reply");
			});
	}

	private static final class JsonAssert {

		static void error(tools.jackson.databind.JsonNode frame, int id) {
			assertThat(frame.get("name").stringValue()).isEqualTo("ambiorix:error");
			assertThat(frame.get("message").get("code").stringValue()).isEqualTo("handler_error");
			assertThat(frame.get("message").get("detail").stringValue()).isEqualTo(EnvelopeDispatcher.HANDLER_FAILED);
			assertThat(frame.get("id").intValue()).isEqualTo(id);
		}

	}

	static class Handlers {

		@Receive("monoLater")
		Mono<String> later(String text) {
			return Mono.just("later:" + text).delayElement(Duration.ofMillis(100));
		}

		@Receive("monoEmpty")
		Mono<String> empty() {
			return Mono.empty();
		}

		@Receive("monoFails")
		Mono<String> fails() {
			return Mono.error(new IllegalStateException("secret"));
		}

	}

	static class FluxHandler {

		@Receive("ticks")
		Flux<Integer> ticks() {
			return Flux.just(1, 2, 3);
		}

	}

}
