package dev.ambiorix.client;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The client against a server that speaks only protocol version 1, as Ambiorix's R server
 * does.
 */
@Tag("tomcat-only")
class VersionOneServerTest {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private VersionOneServer server;

	private final RecordingListener events = new RecordingListener();

	private @Nullable AmbiorixClient client;

	@BeforeEach
	void start(@TempDir Path baseDir) throws Exception {
		this.server = VersionOneServer.start(baseDir);
	}

	@AfterEach
	void stop() throws Exception {
		AmbiorixClient client = this.client;
		if (client != null) {
			client.close();
		}
		this.server.close();
	}

	private AmbiorixClient connect(boolean protocolExtensions) throws Exception {
		AmbiorixClient client = AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + this.server.port() + "/"))
			.protocolExtensions(protocolExtensions)
			.listener(this.events)
			.build();
		this.client = client;
		return client.connect().get(10, TimeUnit.SECONDS);
	}

	@Test
	void sendAndReceiveWork() throws Exception {
		AmbiorixClient client = connect(false);
		List<Map<String, Object>> echoes = new CopyOnWriteArrayList<>();
		client.receive("echo", Map.class, (message) -> echoes.add(message));
		client.send("echo", Map.of("text", "hi"));
		await().atMost(WAIT).untilAsserted(() -> assertThat(echoes).containsExactly(Map.of("text", "hi")));
	}

	@Test
	void aMessageSentInFragmentsArrivesWhole() throws Exception {
		AmbiorixClient client = connect(false);
		List<String> received = new CopyOnWriteArrayList<>();
		client.receive("fragmented", String.class, received::add);
		String text = "fragments é 😀 ".repeat(100);
		client.send("fragmented", text);
		await().atMost(WAIT).untilAsserted(() -> assertThat(received).containsExactly(text));
	}

	@Test
	void requestFailsFastSayingTheServerDoesNotReplyToRequests() throws Exception {
		AmbiorixClient client = connect(false);
		CompletableFuture<@Nullable String> request = client.request("echo", "hi", String.class, Duration.ofMinutes(1));
		assertThat(request).isCompletedExceptionally();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(request::get)
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixUnsupportedException.class, (error) -> {
				assertThat(error.code()).isEqualTo("unsupported");
				assertThat(error.getMessage()).startsWith("server does not reply to requests");
			});
		List<String> echoes = new CopyOnWriteArrayList<>();
		client.receive("echo", String.class, echoes::add);
		client.send("echo", "after");
		await().atMost(WAIT).untilAsserted(() -> assertThat(echoes).containsExactly("after"));
		assertThat(this.server.frames).hasSize(1);
	}

	@Test
	void everyFrameSentIsAPlainVersionOneEnvelope() throws Exception {
		AmbiorixClient client = connect(false);
		client.send("echo", "text");
		client.send("echo", null);
		client.send("echo", List.of(1, 2));
		client.send("echo", Map.of("nested", Map.of("a", true)));
		client.request("echo", "never sent", String.class);
		await().atMost(WAIT).until(() -> this.server.frames.size() == 4);
		JsonMapper json = JsonMapper.builder().build();
		for (String frame : this.server.frames) {
			JsonNode envelope = json.readTree(frame);
			assertThat(envelope.propertyNames()).containsExactly("name", "message", "isAmbiorix");
			assertThat(envelope.get("isAmbiorix").isBoolean()).isTrue();
			assertThat(envelope.get("isAmbiorix").booleanValue()).isTrue();
		}
		assertThat(this.server.refused).isEmpty();
		assertThat(this.events.closeCodes).isEmpty();
		assertThat(client.isOpen()).isTrue();
	}

	@Test
	void withExtensionsOnARequestTimesOutNamingTheCauseAndTheServerKeepsTheConnection() throws Exception {
		AmbiorixClient client = connect(true);
		List<String> echoes = new CopyOnWriteArrayList<>();
		client.receive("echo", String.class, echoes::add);
		CompletableFuture<@Nullable String> request = client.request("echo", "hi", String.class,
				Duration.ofMillis(300));
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> request.get(10, TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(AmbiorixTimeoutException.class,
					(error) -> assertThat(error.getMessage()).contains("protocol version 1")
						.contains("protocolExtensions(false)"));
		// The version 1 server answered without the id: a message like any other.
		await().atMost(WAIT).untilAsserted(() -> assertThat(echoes).containsExactly("hi"));
		assertThat(this.server.refused).isEmpty();
		assertThat(this.events.closeCodes).isEmpty();
	}

}
