package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Broadcasts over real connections.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class BroadcastTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	List<AmbiorixConnection> connected = new ArrayList<>();

	List<TestClient> raw = new ArrayList<>();

	@BeforeEach
	void connectThree() {
		for (int i = 0; i < 3; i++) {
			this.connected.add(AmbiorixConnection.connect(this.port));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 3);
	}

	@AfterEach
	void close() {
		this.connected.forEach(AmbiorixConnection::close);
		this.raw.forEach(TestClient::close);
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 0);
	}

	/**
	 * Swap the three clients for three on raw frames, for a test of the bytes on the
	 * wire.
	 */
	private void connectThreeRaw() {
		this.connected.forEach(AmbiorixConnection::close);
		this.connected.clear();
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 0);
		for (int i = 0; i < 3; i++) {
			this.raw.add(TestClient.connect(this.port));
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 3);
	}

	@Test
	void broadcastReachesAllThreeClientsSenderIncluded() {
		connectThreeRaw();
		this.raw.get(0).send("broadcast", "hello all");
		for (TestClient client : this.raw) {
			assertThat(client.nextText())
				.isEqualTo("{\"name\":\"news\",\"message\":\"hello all\",\"isAmbiorix\":true}");
		}
	}

	@Test
	void broadcastExceptReachesTheOtherTwoOnly() {
		AmbiorixConnection sender = this.connected.get(0);
		sender.send("broadcastExcept", "not for me");
		assertThat(this.connected.get(1).next().message().stringValue()).isEqualTo("not for me");
		assertThat(this.connected.get(2).next().message().stringValue()).isEqualTo("not for me");
		// The sender's next message is the answer to this send: the broadcast never
		// reached it.
		sender.send("shout", "check");
		AmbiorixConnection.Received next = sender.next();
		assertThat(next.name()).isEqualTo("shout");
		assertThat(next.message().stringValue()).isEqualTo("CHECK");
	}

	@Test
	void sendToOneClientById() {
		WebSocketClient target = this.clients.all().iterator().next();
		this.clients.send(target.id(), "direct", 1);
		// Sends from one node reach a client in order: whatever the direct send left in
		// a client, a duplicate included, arrives before this marker.
		this.clients.broadcast("marker", 2);
		int direct = 0;
		for (AmbiorixConnection client : this.connected) {
			String name = client.next().name();
			if (name.equals("direct")) {
				direct++;
				name = client.next().name();
			}
			assertThat(name).isEqualTo("marker");
		}
		assertThat(direct).isEqualTo(1);
		assertThat(this.clients.find(target.id())).contains(target);
	}

	@Test
	void fourThreadsBroadcastingDeliverAllInOrderPerThread() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(4);
		try {
			List<Future<?>> done = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				int thread = t;
				done.add(threads.submit(() -> {
					for (int i = 0; i < 200; i++) {
						this.clients.broadcast("seq", new int[] { thread, i });
					}
				}));
			}
			for (Future<?> future : done) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			threads.shutdown();
		}
		for (AmbiorixConnection client : this.connected) {
			int[] next = new int[4];
			for (int n = 0; n < 800; n++) {
				JsonNode message = client.next().message();
				int thread = message.get(0).intValue();
				assertThat(message.get(1).intValue()).as("order of thread %d", thread).isEqualTo(next[thread]);
				next[thread]++;
			}
			assertThat(next).containsOnly(200);
		}
	}

	@Test
	void loneSurrogateBroadcastDoesNotStopLaterBroadcasts() {
		connectThreeRaw();
		TestClient sender = this.raw.get(0);
		sender.sendText("{\"name\":\"broadcast\",\"message\":\"\\ud800\",\"isAmbiorix\":true}");
		sender.send("broadcast", "after");
		assertMessages("\ud800", "after");
		this.clients.broadcast("direct", "a\udc00z");
		this.clients.broadcast("direct", "still fine");
		assertMessages("a\udc00z", "still fine");
	}

	/** Every client receives frames that parse as JSON, with these messages in order. */
	private void assertMessages(String... expected) {
		JsonMapper json = JsonMapper.builder().build();
		for (TestClient client : this.raw) {
			for (String message : expected) {
				assertThat(json.readTree(client.nextText()).get("message").stringValue()).isEqualTo(message);
			}
		}
	}

}
