package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.DefaultWebSocketClients;
import kotlin.coroutines.Continuation;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A parameter no resolver takes, and that cannot be the message either, fails startup
 * with a message naming it, instead of silently receiving the message and failing at run
 * time.
 */
class UnresolvableParameterTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AmbiorixAutoConfiguration.class));

	@Test
	void clientConnectionParameterFailsStartup() {
		assertFailsStartup(ConnectionParameter.class, "ConnectionParameter#chat(ClientConnection)",
				"parameter 1 (ClientConnection) cannot be resolved: the sender is resolved as WebSocketClient only");
	}

	@Test
	void kotlinContinuationParameterFailsStartup() {
		assertFailsStartup(SuspendFunction.class, "SuspendFunction#chat(String, Continuation)",
				"parameter 2 (Continuation) cannot be resolved: suspend functions are not supported");
	}

	@Test
	void concreteClientsOrSessionTypesFailStartup() {
		assertFailsStartup(ClientsImplementation.class, "ClientsImplementation#chat(DefaultWebSocketClients)",
				"parameter 1 (DefaultWebSocketClients) cannot be resolved");
		assertFailsStartup(SessionImplementation.class, "SessionImplementation#chat(String, StandardWebSocketSession)",
				"parameter 2 (StandardWebSocketSession) cannot be resolved");
	}

	@Test
	void aFirstParameterThatCannotBeTheMessageFailsEvenWithoutASecond() {
		assertFailsStartup(InternalType.class, "InternalType#chat(InvocationContext)",
				"parameter 1 (InvocationContext) cannot be resolved: InvocationContext is internal to Ambiorix");
	}

	private void assertFailsStartup(Class<?> handler, String method, String problem) {
		this.runner.withBean(handler).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).isInstanceOf(ReceiveHandlerDefinitionException.class)
				.hasMessageContaining(method)
				.hasMessageContaining(problem);
		});
	}

	static class ConnectionParameter {

		@Receive("chat")
		void chat(ClientConnection client) {
		}

	}

	static class SuspendFunction {

		/** What the Kotlin compiler makes of {@code suspend fun chat(text: String)}. */
		@Receive("chat")
		Object chat(String text, Continuation<? super String> continuation) {
			return text;
		}

	}

	static class ClientsImplementation {

		@Receive("chat")
		void chat(DefaultWebSocketClients clients) {
		}

	}

	static class SessionImplementation {

		@Receive("chat")
		void chat(String text, StandardWebSocketSession session) {
		}

	}

	static class InternalType {

		@Receive("chat")
		void chat(InvocationContext context) {
		}

	}

}
