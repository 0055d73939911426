package dev.ambiorix.sample.chat.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.Writer;
import java.io.OutputStreamWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.client.AmbiorixClient;
import dev.ambiorix.sample.chat.ChatApplication;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The command-line client against the chat on a random port, with a scripted input and a
 * second participant.
 */
@SpringBootTest(classes = ChatApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ChatCliTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	private int port;

	@Test
	void joinsPrintsTheConversationAndPostsTypedLines() throws Exception {
		URI uri = URI.create("ws://127.0.0.1:" + this.port + "/");
		List<String> printed = new CopyOnWriteArrayList<>();
		PipedOutputStream keyboard = new PipedOutputStream();
		BufferedReader in = new BufferedReader(
				new InputStreamReader(new PipedInputStream(keyboard), StandardCharsets.UTF_8));
		Writer typing = new OutputStreamWriter(keyboard, StandardCharsets.UTF_8);
		CompletableFuture<Integer> status = CompletableFuture
			.supplyAsync(() -> runQuietly(new ChatCli(uri, "cli", "ann", printed::add), in));
		await().atMost(WAIT).untilAsserted(() -> assertThat(printed).contains("* you joined #cli as ann"));

		try (AmbiorixClient bob = AmbiorixClient.builder(uri).build()) {
			List<String> bobSaw = new CopyOnWriteArrayList<>();
			bob.receive("post", JsonNode.class,
					(post) -> bobSaw.add(post.get("author").stringValue() + ": " + post.get("text").stringValue()));
			bob.connect().get(10, TimeUnit.SECONDS);
			bob.request("join", Map.of("nickname", "bob", "room", "cli"), JsonNode.class).get(10, TimeUnit.SECONDS);
			await().atMost(WAIT).untilAsserted(() -> assertThat(printed).contains("* bob joined"));
			bob.request("say", Map.of("room", "cli", "text", "hi ann"), JsonNode.class).get(10, TimeUnit.SECONDS);
			await().atMost(WAIT).untilAsserted(() -> assertThat(printed).contains("bob: hi ann"));

			typing.write("hello bob\n\n/quit\nnever sent\n");
			typing.flush();
			assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
			await().atMost(WAIT).untilAsserted(() -> assertThat(bobSaw).containsExactly("ann: hello bob"));
		}
		assertThat(printed).containsExactly("* you joined #cli as ann", "* bob joined", "bob: hi ann", "ann: hello bob",
				"* bye");
	}

	@Test
	void aRefusedJoinEndsWithStatusOne() throws Exception {
		List<String> printed = new CopyOnWriteArrayList<>();
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		int status = new ChatCli(URI.create("ws://127.0.0.1:" + this.port + "/"), "no/such room", "ann", printed::add)
			.run(in);
		assertThat(status).isOne();
		assertThat(printed).singleElement().asString().startsWith("! cannot join: invalid_message");
	}

	private static int runQuietly(ChatCli cli, BufferedReader in) {
		try {
			return cli.run(in);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
