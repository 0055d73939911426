package dev.ambiorix.spring.session;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.event.ClientDisconnectedEvent;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that only receives, and so is busy receiving whenever the supervisor wants to
 * ping it, is still pinged and kept; a client that neither reads nor answers is dropped.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.websocket.ping-interval=1s", "ambiorix.websocket.idle-timeout=3s",
				"ambiorix.websocket.send-time-limit=5s" })
class ReceiveOnlyClientTest {

	@LocalServerPort
	int port;

	@Autowired
	LocalClients clients;

	@Autowired
	ConnectionEvents events;

	@Test
	void clientThatOnlyReadsAContinuousStreamInBurstsStaysConnectedWhileASilentOneIsDropped() throws Exception {
		BurstyReader reader = new BurstyReader();
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.connectTimeout(Duration.ofSeconds(5))
			.buildAsync(URI.create("ws://127.0.0.1:" + this.port + "/"), reader)
			.get(5, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
		ClientConnection streamed = this.clients.all().iterator().next();
		try (RawWebSocket silent = RawWebSocket.connect(this.port, 4096)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 2);
			String silentId = this.clients.all()
				.stream()
				.map(WebSocketClient::id)
				.filter((id) -> !id.equals(streamed.id()))
				.findFirst()
				.orElseThrow();
			AtomicBoolean streaming = new AtomicBoolean(true);
			Thread producer = new Thread(() -> stream(streamed, streaming), "stream-producer");
			producer.start();
			try {
				ClientDisconnectedEvent dropped = this.events.awaitDisconnected(silentId);
				assertThat(dropped.status().getCode()).isEqualTo(1001);
				assertThat(dropped.status().getReason()).isEqualTo("idle timeout");
				// Five idle timeouts long, never a frame from the client but its pongs.
				long before = reader.received.get();
				await().during(Duration.ofSeconds(15))
					.atMost(Duration.ofSeconds(20))
					.until(() -> streamed.isOpen() && this.clients.get(streamed.id()) != null
							&& !reader.closed.isDone());
				assertThat(reader.received.get()).as("frames read while streaming").isGreaterThan(before + 1000);
			}
			finally {
				streaming.set(false);
				producer.join(5000);
			}
		}
		socket.abort();
	}

	/**
	 * Keep the client's queue non-empty, so that the client is always busy receiving.
	 */
	private static void stream(ClientConnection client, AtomicBoolean streaming) {
		String frame = TestClient.envelope("stream", "x".repeat(16 * 1024), null);
		while (streaming.get() && client.isOpen()) {
			if (client.outbound().queuedBytes() < 1024 * 1024) {
				client.sendFrame(frame);
			}
			else {
				LockSupport.parkNanos(1_000_000);
			}
		}
	}

	/**
	 * Reads 400 frames at full speed, pauses 150 ms, and again. Pings are answered by the
	 * JDK client as they are read.
	 */
	static final class BurstyReader implements WebSocket.Listener {

		final AtomicLong received = new AtomicLong();

		final CompletableFuture<Integer> closed = new CompletableFuture<>();

		private final Executor later = CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS);

		private int inBurst;

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			if (last) {
				this.received.incrementAndGet();
				if (++this.inBurst == 400) {
					this.inBurst = 0;
					this.later.execute(() -> webSocket.request(1));
					return null;
				}
			}
			webSocket.request(1);
			return null;
		}

		@Override
		public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
			this.closed.complete(statusCode);
			return null;
		}

		@Override
		public void onError(WebSocket webSocket, Throwable error) {
			this.closed.completeExceptionally(error);
		}

	}

}
