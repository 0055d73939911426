package dev.ambiorix.sample.chat.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.ambiorix.client.AmbiorixClient;
import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.client.AmbiorixException;
import dev.ambiorix.client.ConnectionListener;
import org.jspecify.annotations.Nullable;

/**
 * The chat from a terminal: joins a room with a nickname, prints the conversation (posts
 * and notices) and posts every line typed; {@code /quit} or end of input leaves.
 * <p>
 * {@code java -cp sample-chat/target/sample-chat-0.1.0-SNAPSHOT.jar
 * -Dloader.main=dev.ambiorix.sample.chat.cli.ChatCli
 * org.springframework.boot.loader.launch.PropertiesLauncher ws://localhost:8080/ general
 * ann}
 */
public final class ChatCli {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Post(String room, String author, String text) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Notice(String room, String text) {
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Joined(String room, List<Post> recent) {
	}

	private final URI uri;

	private final String room;

	private final String nickname;

	private final Consumer<String> out;

	/** The room's name as the server has it, once joined. */
	private volatile String joined;

	private volatile @Nullable AmbiorixClient client;

	private volatile boolean leaving;

	ChatCli(URI uri, String room, String nickname, Consumer<String> out) {
		this.uri = uri;
		this.room = room;
		this.nickname = nickname;
		this.out = out;
		this.joined = room;
	}

	public static void main(String[] args) throws IOException {
		if (args.length != 3) {
			System.err.println("usage: ChatCli <ws://host:port/> <room> <nickname>");
			System.exit(2);
		}
		BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		int status = new ChatCli(URI.create(args[0]), args[1], args[2], System.out::println).run(in);
		System.exit(status);
	}

	/**
	 * Join, then post each line read until {@code /quit} or the end of the input.
	 * @param in the lines typed
	 * @return the exit status: 0, or 1 when the server could not be reached or refused
	 * the join
	 * @throws IOException if the input cannot be read
	 */
	int run(BufferedReader in) throws IOException {
		AmbiorixClient client = AmbiorixClient.builder(this.uri).listener(new Listener()).build();
		this.client = client;
		try {
			client.receive("post", Post.class, this::print);
			client.receive("notice", Notice.class, (notice) -> this.out.accept("* " + notice.text()));
			try {
				client.connect().get(WAIT.toSeconds(), TimeUnit.SECONDS);
				join(client);
			}
			catch (ExecutionException | TimeoutException ex) {
				this.out.accept("! cannot join: " + reason(ex));
				return 1;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return 1;
			}
			String line;
			while ((line = in.readLine()) != null) {
				String text = line.strip();
				if (text.equals("/quit")) {
					break;
				}
				if (!text.isEmpty()) {
					say(client, text);
				}
			}
			this.out.accept("* bye");
			return 0;
		}
		finally {
			this.leaving = true;
			client.close();
		}
	}

	private void join(AmbiorixClient client) throws ExecutionException, TimeoutException, InterruptedException {
		Joined answer = client.request("join", Map.of("nickname", this.nickname, "room", this.room), Joined.class)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		if (answer == null) {
			throw new ExecutionException(new IllegalStateException("no answer"));
		}
		this.joined = answer.room();
		answer.recent().forEach(this::print);
		this.out.accept("* you joined #" + answer.room() + " as " + this.nickname);
	}

	private void say(AmbiorixClient client, String text) {
		// Printed when the server has it, as the others see it; the next line waits.
		try {
			print(client.request("say", Map.of("room", this.joined, "text", text), Post.class)
				.get(WAIT.toSeconds(), TimeUnit.SECONDS));
		}
		catch (ExecutionException | TimeoutException ex) {
			this.out.accept("! not sent: " + reason(ex));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.out.accept("! not sent: interrupted");
		}
	}

	private void print(@Nullable Post post) {
		if (post != null) {
			this.out.accept(post.author() + ": " + post.text());
		}
	}

	private static String reason(Throwable failure) {
		Throwable cause = failure;
		while ((cause instanceof ExecutionException || cause instanceof CompletionException)
				&& cause.getCause() != null) {
			cause = cause.getCause();
		}
		if (cause instanceof AmbiorixErrorException error) {
			return error.code() + (error.detail().isEmpty() ? "" : ": " + error.detail());
		}
		if (cause instanceof AmbiorixException ambiorix) {
			return ambiorix.code();
		}
		return String.valueOf(cause.getMessage());
	}

	/**
	 * Tells what happens to the connection, and joins again when the server did not keep
	 * the session.
	 */
	private final class Listener implements ConnectionListener {

		@Override
		public void onClose(int code, String reason) {
			if (ChatCli.this.leaving) {
				return;
			}
			ChatCli.this.out.accept("* connection lost (" + code + "), reconnecting");
		}

		@Override
		public void onRecovered(boolean recovered, @Nullable String reason) {
			if (recovered) {
				ChatCli.this.out.accept("* reconnected, nothing missed");
				return;
			}
			ChatCli.this.out.accept("* reconnected, but messages may be missing (" + reason + ")");
			// A new client id, in no room: join again.
			AmbiorixClient client = ChatCli.this.client;
			if (client != null) {
				client
					.request("join", Map.of("nickname", ChatCli.this.nickname, "room", ChatCli.this.joined),
							Joined.class)
					.whenComplete((answer, failure) -> {
						if (failure != null) {
							ChatCli.this.out.accept("! cannot join again: " + reason(failure));
						}
					});
			}
		}

	}

}
