package dev.ambiorix.client;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.ClientTestApplication.Inbox;
import dev.ambiorix.client.ClientTestApplication.Person;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.core.type.TypeReference;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The client against our server on a random port.
 */
@SpringBootTest(classes = ClientTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class AmbiorixClientTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@LocalServerPort
	private int port;

	@Autowired
	private Inbox inbox;

	private final RecordingListener events = new RecordingListener();

	private AmbiorixClient client;

	@BeforeEach
	void connect() throws Exception {
		this.inbox.messages.clear();
		this.client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/"))
			.listener(this.events)
			.build();
		this.client.connect().get(10, TimeUnit.SECONDS);
	}

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void sentMessagesReachTheirHandlerAndRepliesReachReceive() {
		List<String> news = new CopyOnWriteArrayList<>();
		this.client.receive("news", String.class, news::add);
		this.client.send("shout", "hello");
		this.client.send("collect", "kept");
		await().atMost(WAIT).untilAsserted(() -> assertThat(news).containsExactly("HELLO"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.inbox.messages).containsExactly("kept"));
		assertThat(this.events.opens).hasValue(1);
	}

	@Test
	void headersAndSubprotocolsGoOutWithTheHandshake() throws Exception {
		try (AmbiorixClient other = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/"))
			.header("X-Token", "secret")
			.subprotocols("bearer.token", "ambiorix")
			.build()) {
			other.connect().get(10, TimeUnit.SECONDS);
			assertThat(other.request("handshake", null, new TypeReference<List<String>>() {
			}).get(10, TimeUnit.SECONDS)).containsExactly("secret", "bearer.token, ambiorix");
		}
	}

	@Test
	void theSubprotocolTheServerChoseIsShownWhileTheConnectionIsOpen() throws Exception {
		AmbiorixClient other = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/"))
			.subprotocols("ambiorix")
			.build();
		assertThat(other.subprotocol()).isEmpty();
		other.connect().get(10, TimeUnit.SECONDS);
		assertThat(other.subprotocol()).isEqualTo("ambiorix");
		other.close();
		assertThat(other.subprotocol()).isEmpty();
		assertThat(this.client.subprotocol()).as("none offered").isEmpty();
	}

	@Test
	void aRefusedUpgradeFailsConnectWithTheServersResponseWhenReconnectIsOff() {
		try (AmbiorixClient refused = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.port + "/nowhere"))
			.reconnect(ReconnectPolicy.none())
			.build()) {
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> refused.connect().get(10, TimeUnit.SECONDS))
				.havingCause()
				.isInstanceOf(AmbiorixDisconnectedException.class)
				.havingCause()
				.isInstanceOfSatisfying(WebSocketHandshakeException.class,
						(ex) -> assertThat(ex.getResponse().statusCode()).isBetween(400, 499));
		}
	}

	@Test
	void aHeaderTheJdkRefusesFailsTheBuild() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> AmbiorixClient.builder(URI.create("ws://127.0.0.1:1/")).header("Upgrade", "no").build());
	}

	@Test
	void receiveAnySeesEveryMessageButNoReply() throws Exception {
		List<String> names = new CopyOnWriteArrayList<>();
		this.client.receiveAny((name, message) -> names.add(name + "=" + message));
		this.client.request("increment", 1, Integer.class).get(10, TimeUnit.SECONDS);
		this.client.send("shout", "hi");
		await().atMost(WAIT).untilAsserted(() -> assertThat(names).containsExactly("news=\"HI\""));
	}

	@Test
	void receiveConvertsToAGenericType() {
		List<List<Person>> received = new CopyOnWriteArrayList<>();
		this.client.receive("people", new TypeReference<List<Person>>() {
		}, received::add);
		this.client.send("people", null);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(received)
				.containsExactly(List.of(new Person("Ada", 36), new Person("Grace", 85))));
	}

	@Test
	void requestCompletesWithTheReplysMessage() throws Exception {
		assertThat(this.client.request("increment", 41, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(42);
		assertThat(this.client.request("echo", Map.of("a", 1), new TypeReference<Map<String, Integer>>() {
		}).get(10, TimeUnit.SECONDS)).isEqualTo(Map.of("a", 1));
		assertThat(this.client.request("peopleReply", null, new TypeReference<List<Person>>() {
		}).get(10, TimeUnit.SECONDS)).containsExactly(new Person("Ada", 36), new Person("Grace", 85));
	}

	@Test
	void aReplyIsNotDispatchedToTheReceiveHandlerOfItsName() throws Exception {
		List<Object> received = new CopyOnWriteArrayList<>();
		this.client.receive("increment", Integer.class, received::add);
		List<String> news = new CopyOnWriteArrayList<>();
		this.client.receive("news", String.class, news::add);
		this.client.request("increment", 1, Integer.class).get(10, TimeUnit.SECONDS);
		this.client.send("shout", "after");
		await().atMost(WAIT).untilAsserted(() -> assertThat(news).containsExactly("AFTER"));
		assertThat(received).isEmpty();
	}

	@Test
	void everyServerErrorAboutARequestFailsItWithTheServersCode() {
		assertServerError(this.client.request("chta", "hi", String.class), "unknown_name");
		assertServerError(this.client.request("increment", "not a number", Integer.class), "invalid_message");
		assertServerError(this.client.request("fail", null, String.class), "handler_error");
		assertServerError(this.client.request("ambiorix:secret", null, String.class), "invalid_envelope");
		assertServerError(this.client.request("", null, String.class), "invalid_envelope");
		assertServerError(this.client.request("x".repeat(257), null, String.class), "invalid_envelope");
	}

	private void assertServerError(CompletableFuture<?> request, String code) {
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> request.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixErrorException.class, (error) -> {
				assertThat(error.code()).isEqualTo(code);
				assertThat(error.detail()).isNotEmpty();
			});
	}

	@Test
	void aServerErrorAboutASendReachesTheErrorListener() {
		this.client.send("chta", "hi");
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.events.errors).singleElement()
				.isInstanceOfSatisfying(AmbiorixErrorException.class, (error) -> {
					assertThat(error.code()).isEqualTo("unknown_name");
					assertThat(error.name()).isEqualTo("chta");
				}));
	}

	@Test
	void aRequestWithoutAReplyInTimeFailsWithTimeoutAndItsLateReplyIsDropped() throws Exception {
		List<Object> received = new CopyOnWriteArrayList<>();
		this.client.receive("slow", String.class, received::add);
		// Once the server has replied to a request, a timeout says nothing about version
		// 1.
		this.client.request("increment", 1, Integer.class).get(10, TimeUnit.SECONDS);
		CompletableFuture<@Nullable String> slow = this.client.request("slow", 500, String.class,
				Duration.ofMillis(100));
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> slow.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixTimeoutException.class, (timeout) -> {
				assertThat(timeout.code()).isEqualTo("timeout");
				assertThat(timeout.getMessage()).contains("'slow'").doesNotContain("protocolExtensions");
			});
		// The server handles one connection's frames in order: this reply comes after
		// the late one.
		assertThat(this.client.request("increment", 1, Integer.class).get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(received).isEmpty();
	}

	@Test
	void closingFailsPendingRequestsWithClosed() {
		CompletableFuture<@Nullable String> slow = this.client.request("slow", 2000, String.class);
		this.client.close();
		assertThatExceptionOfType(java.util.concurrent.ExecutionException.class)
			.isThrownBy(() -> slow.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixDisconnectedException.class,
					(error) -> assertThat(error.code()).isEqualTo("closed"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.client.send("collect", "x"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.events.closeCodes).containsExactly(1000));
	}

	@Test
	void aMessageLargerThanOneReadArrivesWhole() throws Exception {
		int length = 3 * 1024 * 1024;
		String reply = this.client.request("big", length, String.class).get(10, TimeUnit.SECONDS);
		assertThat(reply).hasSize(length).matches("x+");
	}

	@Test
	void fiftyThreadsSendingAndRequestingAtOnceGetTheirOwnReplies() throws Exception {
		int threads = 50;
		int perThread = 20;
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		List<CompletableFuture<Void>> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int thread = t;
			workers.add(CompletableFuture.runAsync(() -> {
				awaitLatch(start);
				List<CompletableFuture<Void>> replies = new ArrayList<>();
				for (int i = 0; i < perThread; i++) {
					int value = thread * 1000 + i;
					this.client.send("collect", thread + ":" + i);
					replies.add(this.client.request("increment", value, Integer.class)
						.thenAccept((reply) -> assertThat(reply).isEqualTo(value + 1)));
				}
				CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
			}, pool));
		}
		start.countDown();
		try {
			CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(this.inbox.messages).hasSize(threads * perThread));
		for (int t = 0; t < threads; t++) {
			String prefix = t + ":";
			List<String> own = this.inbox.messages.stream().filter((m) -> m.startsWith(prefix)).toList();
			List<String> expected = new ArrayList<>();
			for (int i = 0; i < perThread; i++) {
				expected.add(prefix + i);
			}
			assertThat(own).as("thread %d's sends, in its order", t).isEqualTo(expected);
		}
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
