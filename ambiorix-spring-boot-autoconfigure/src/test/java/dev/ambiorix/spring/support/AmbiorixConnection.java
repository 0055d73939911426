package dev.ambiorix.spring.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;

import dev.ambiorix.client.AmbiorixClient;
import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.client.AmbiorixException;
import dev.ambiorix.client.ConnectionListener;
import dev.ambiorix.client.ReconnectPolicy;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Our own {@link AmbiorixClient} connected to a test server in one line, with a blocking
 * queue of what it received: the client the tests drive the server with. For bytes the
 * client cannot send or show (malformed JSON, the exact wire form), use
 * {@link TestClient}, the raw-frame client.
 * <p>
 * Unless a test asks otherwise the client neither reconnects nor asks for recovery, so a
 * close is seen as a close and the client sends nothing the test did not send.
 */
public final class AmbiorixConnection implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String ERROR = "ambiorix:error";

	// One for all, as a browser has: a test may open a thousand connections.
	private static final HttpClient http = HttpClient.newHttpClient();

	private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private volatile @Nullable String closeReason;

	private final AmbiorixClient client;

	private AmbiorixConnection(AmbiorixClient.Builder builder) {
		this.client = builder.listener(new Recorder()).build();
		this.client.receiveAny((name, message) -> {
			// An error about a send reaches the listener too: queued from there, once.
			if (!ERROR.equals(name)) {
				this.received.add(new Received(name, message));
			}
		});
	}

	/**
	 * Connect to the endpoint at {@code /} on a local port.
	 * @param port the server port
	 * @return the connected client
	 */
	public static AmbiorixConnection connect(int port) {
		return connect(port, "/", Map.of());
	}

	/**
	 * Connect to a path with headers, offering subprotocols, most preferred first.
	 */
	public static AmbiorixConnection connect(int port, String path, Map<String, String> headers,
			String... subprotocols) {
		return connect(port, path, (builder) -> {
			headers.forEach(builder::header);
			if (subprotocols.length > 0) {
				builder.subprotocols(subprotocols[0],
						java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
			}
			return builder;
		});
	}

	/**
	 * Connect with the client built as the test says, for instance with recovery or a
	 * reconnect policy.
	 * @throws dev.ambiorix.client.AmbiorixDisconnectedException if the server refused the
	 * upgrade, with the JDK's {@code WebSocketHandshakeException} as its cause
	 */
	public static AmbiorixConnection connect(int port, String path, UnaryOperator<AmbiorixClient.Builder> customizer) {
		AmbiorixConnection connection = new AmbiorixConnection(open(port, path, customizer));
		try {
			connection.client.connect().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			connection.close();
			if (ex.getCause() instanceof AmbiorixException failure) {
				// With the refused handshake as its cause.
				throw failure;
			}
			throw new IllegalStateException("Could not connect to " + connection.client.uri(), ex);
		}
		catch (TimeoutException ex) {
			connection.close();
			throw new IllegalStateException("Could not connect to " + connection.client.uri(), ex);
		}
		catch (InterruptedException ex) {
			connection.close();
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return connection;
	}

	private static AmbiorixClient.Builder open(int port, String path,
			UnaryOperator<AmbiorixClient.Builder> customizer) {
		return customizer.apply(AmbiorixClient.builder(URI.create("ws://127.0.0.1:" + port + path))
			.httpClient(http)
			.reconnect(ReconnectPolicy.none())
			.recovery(false));
	}

	/**
	 * Return the client, for what this class does not wrap.
	 */
	public AmbiorixClient client() {
		return this.client;
	}

	/**
	 * Send a message.
	 */
	public void send(String name, @Nullable Object message) {
		this.client.send(name, message);
	}

	/**
	 * Send a request and wait for its reply.
	 * @return the reply's message as JSON
	 * @throws AmbiorixException as the request failed
	 */
	public JsonNode request(String name, @Nullable Object message) {
		return join(this.client.request(name, message, JsonNode.class, WAIT));
	}

	/**
	 * Send a request that must fail with the server's error code.
	 * @return the failure
	 */
	public AmbiorixErrorException requestError(String name, @Nullable Object message, String code) {
		try {
			JsonNode reply = request(name, message);
			throw new AssertionError("Expected error " + code + " but got reply " + reply);
		}
		catch (AmbiorixErrorException ex) {
			assertThat(ex.code()).as(ex.getMessage()).isEqualTo(code);
			return ex;
		}
	}

	/**
	 * Take the next message, failing if an error about a send came first.
	 * @return the message
	 */
	public Received next() {
		Object next = take();
		if (next instanceof Received message) {
			return message;
		}
		throw new AssertionError("Expected a message but got " + next, (Throwable) next);
	}

	/**
	 * Take the next event and check it is the server's error about a send, with the given
	 * code.
	 * @return the error
	 */
	public AmbiorixErrorException nextError(String code) {
		Object next = take();
		assertThat(next).as("an error %s", code).isInstanceOf(AmbiorixErrorException.class);
		AmbiorixErrorException error = (AmbiorixErrorException) next;
		assertThat(error.code()).as(error.getMessage()).isEqualTo(code);
		return error;
	}

	/**
	 * Take all messages and errors that arrive within the given time of each other.
	 */
	public List<Object> drain(Duration wait) {
		List<Object> all = new ArrayList<>();
		try {
			Object next;
			while ((next = this.received.poll(wait.toMillis(), TimeUnit.MILLISECONDS)) != null) {
				all.add(next);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return all;
	}

	/**
	 * Return how many messages and errors wait in the queue.
	 */
	public int pending() {
		return this.received.size();
	}

	/**
	 * Return the close code of the connection, once it closed.
	 */
	public CompletableFuture<Integer> closeCode() {
		return this.closeCode;
	}

	public @Nullable String closeReason() {
		return this.closeReason;
	}

	public boolean isOpen() {
		return this.client.isOpen();
	}

	@Override
	public void close() {
		this.client.close();
	}

	private Object take() {
		try {
			Object next = this.received.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
			assertThat(next).as("a message within %s", WAIT).isNotNull();
			return next;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static JsonNode join(CompletableFuture<@Nullable JsonNode> reply) {
		try {
			JsonNode message = reply.get(WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
			return (message != null) ? message : tools.jackson.databind.node.NullNode.getInstance();
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof AmbiorixException failure) {
				throw failure;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("No reply within " + WAIT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A message received: its name and its JSON value.
	 */
	public record Received(String name, JsonNode message) {
	}

	private final class Recorder implements ConnectionListener {

		@Override
		public void onClose(int code, String reason) {
			AmbiorixConnection.this.closeReason = reason;
			AmbiorixConnection.this.closeCode.complete(code);
		}

		@Override
		public void onError(Throwable error) {
			if (error instanceof AmbiorixErrorException) {
				AmbiorixConnection.this.received.add(error);
			}
		}

	}

}
