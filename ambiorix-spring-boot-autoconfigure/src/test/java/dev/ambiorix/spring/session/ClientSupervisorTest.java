package dev.ambiorix.spring.session;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One round of the supervisor, over clients whose transports record what they were asked.
 */
class ClientSupervisorTest {

	private final LocalClients clients = new LocalClients();

	private final OutboundLimits limits = new OutboundLimits(1000, Duration.ofSeconds(10));

	private final EnvelopeWriter writer = new EnvelopeWriter(JsonMapper.builder().build());

	@Test
	void aClientWhoseCheckFailsDoesNotStopTheRoundForTheOthers() {
		List<RecordingTransport> healthy = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			RecordingTransport transport = new RecordingTransport();
			boolean broken = (i % 2 == 0);
			if (!broken) {
				healthy.add(transport);
			}
			this.clients.add(new ClientConnection("client-" + i, session(broken), transport, this.writer, this.limits,
					this.clients, Runnable::run));
		}
		ClientSupervisor supervisor = new ClientSupervisor(this.clients, Duration.ofSeconds(10), Duration.ZERO,
				Duration.ofNanos(1));
		supervisor.check();
		assertThat(healthy)
			.allSatisfy((transport) -> assertThat(transport.closed).isEqualTo(ClientSupervisor.IDLE_TIMEOUT));
		assertThat(this.clients.count()).isZero();
	}

	@Test
	void aClientWhosePingFailsDoesNotKeepTheOthersFromBeingPinged() {
		List<RecordingTransport> transports = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			RecordingTransport transport = new RecordingTransport();
			transport.pingFails = (i % 2 == 0);
			transports.add(transport);
			this.clients.add(new ClientConnection("client-" + i, session(false), transport, this.writer, this.limits,
					this.clients, Runnable::run));
		}
		ClientSupervisor supervisor = new ClientSupervisor(this.clients, Duration.ofSeconds(10), Duration.ofNanos(1),
				Duration.ZERO);
		supervisor.check();
		assertThat(transports).allSatisfy((transport) -> assertThat(transport.pings).isOne());
		assertThat(this.clients.count()).as("those whose ping failed are dropped").isEqualTo(10);
	}

	private static WebSocketSession session(boolean broken) {
		return (WebSocketSession) Proxy.newProxyInstance(ClientSupervisorTest.class.getClassLoader(),
				new Class<?>[] { WebSocketSession.class }, (proxy, method, args) -> {
					// Registration reads the principal; the round asks whether it is
					// open.
					if (broken && method.getName().equals("isOpen")) {
						throw new IllegalStateException("broken session");
					}
					return switch (method.getName()) {
						case "isOpen" -> true;
						case "getAttributes" -> Map.of();
						case "getId" -> "session";
						default -> null;
					};
				});
	}

	static final class RecordingTransport implements Transport {

		int pings;

		boolean pingFails;

		@Nullable CloseStatus closed;

		@Override
		public void sendText(String text, SendCallback callback) {
			callback.completed(null);
		}

		@Override
		public void sendPing(SendCallback callback) {
			this.pings++;
			if (this.pingFails) {
				throw new IllegalStateException("ping failed");
			}
			callback.completed(null);
		}

		@Override
		public void close(CloseStatus status) {
			this.closed = status;
		}

	}

}
