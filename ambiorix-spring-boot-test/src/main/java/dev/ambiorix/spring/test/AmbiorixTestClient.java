package dev.ambiorix.spring.test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.ambiorix.client.AmbiorixClient;
import dev.ambiorix.client.AmbiorixException;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An {@link AmbiorixClient} for tests: records every message it receives, waits for them
 * by name, and makes requests blocking. Thread-safe.
 * <p>
 * Waiting methods fail with an {@link AssertionError} that lists what did arrive, so a
 * failing test says why. A message is handed out once: {@link #awaitMessage(String)}
 * takes the oldest one of its name that no earlier call took.
 */
public final class AmbiorixTestClient implements AutoCloseable {

	/** How long the waiting methods wait unless told otherwise. */
	public static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

	private final AmbiorixClient client;

	private final JsonMapper jsonMapper;

	private final Deque<Received> inbox = new ArrayDeque<>();

	private AmbiorixTestClient(AmbiorixClient client, JsonMapper jsonMapper) {
		this.client = client;
		this.jsonMapper = jsonMapper;
		client.receiveAny(this::record);
	}

	static AmbiorixTestClient connect(AmbiorixClient.Builder builder, JsonMapper jsonMapper, Duration timeout) {
		AmbiorixTestClient testClient = new AmbiorixTestClient(builder.build(), jsonMapper);
		try {
			testClient.client.connect().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			testClient.close();
			throw new AssertionError("Could not connect to " + testClient.client.uri() + " within " + timeout, ex);
		}
		catch (InterruptedException ex) {
			testClient.close();
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while connecting", ex);
		}
		return testClient;
	}

	/**
	 * Return the underlying client, for what this class does not wrap.
	 * @return the client
	 */
	public AmbiorixClient client() {
		return this.client;
	}

	/**
	 * Send a message.
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 */
	public void send(String name, @Nullable Object message) {
		this.client.send(name, message);
	}

	/**
	 * Send a request and wait for its reply, at most {@link #DEFAULT_WAIT}.
	 * @param <T> the reply type
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 * @param replyType the class the reply converts to
	 * @return the reply's message
	 * @throws AmbiorixException as the request failed: an
	 * {@link dev.ambiorix.client.AmbiorixErrorException} with the server's error code, a
	 * timeout...
	 */
	public <T> @Nullable T request(String name, @Nullable Object message, Class<T> replyType) {
		return join(this.client.request(name, message, replyType, DEFAULT_WAIT));
	}

	/**
	 * Send a request and wait for a reply of a generic type, at most
	 * {@link #DEFAULT_WAIT}.
	 * @param <T> the reply type
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 * @param replyType the type the reply converts to
	 * @return the reply's message
	 * @throws AmbiorixException as the request failed
	 */
	public <T> @Nullable T request(String name, @Nullable Object message, TypeReference<T> replyType) {
		return join(this.client.request(name, message, replyType, DEFAULT_WAIT));
	}

	/**
	 * Wait at most {@link #DEFAULT_WAIT} for a message with this name.
	 * @param name the name
	 * @return the message as JSON
	 * @throws AssertionError if none arrives in time
	 */
	public JsonNode awaitMessage(String name) {
		return awaitMessage(name, DEFAULT_WAIT);
	}

	/**
	 * Wait for a message with this name.
	 * @param name the name
	 * @param within how long to wait
	 * @return the message as JSON
	 * @throws AssertionError if none arrives in time
	 */
	public JsonNode awaitMessage(String name, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		synchronized (this.inbox) {
			while (true) {
				Iterator<Received> received = this.inbox.iterator();
				while (received.hasNext()) {
					Received next = received.next();
					if (next.name().equals(name)) {
						received.remove();
						return next.message();
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					throw new AssertionError(
							"No message '" + name + "' within " + within + "; waiting unclaimed: " + namesLocked());
				}
				waitLocked(left);
			}
		}
	}

	/**
	 * Wait at most {@link #DEFAULT_WAIT} for a message with this name, converted to a
	 * class.
	 * @param <T> the message type
	 * @param name the name
	 * @param type the class the message converts to
	 * @return the message
	 * @throws AssertionError if none arrives in time
	 */
	public <T> @Nullable T awaitMessage(String name, Class<T> type) {
		return convert(awaitMessage(name), this.jsonMapper.constructType(type));
	}

	/**
	 * Wait at most {@link #DEFAULT_WAIT} for a message with this name, converted to a
	 * generic type.
	 * @param <T> the message type
	 * @param name the name
	 * @param type the type the message converts to
	 * @return the message
	 * @throws AssertionError if none arrives in time
	 */
	public <T> @Nullable T awaitMessage(String name, TypeReference<T> type) {
		return convert(awaitMessage(name), this.jsonMapper.constructType(type));
	}

	/**
	 * Wait out a period and assert that no message with this name arrived, counting one
	 * that arrived earlier and was not awaited.
	 * @param name the name
	 * @param within how long to wait
	 * @throws AssertionError as soon as such a message is there
	 */
	public void awaitNoMessage(String name, Duration within) {
		long deadline = System.nanoTime() + within.toNanos();
		synchronized (this.inbox) {
			while (true) {
				for (Received received : this.inbox) {
					if (received.name().equals(name)) {
						throw new AssertionError("Expected no message '" + name + "' within " + within + " but got "
								+ received.message());
					}
				}
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return;
				}
				waitLocked(left);
			}
		}
	}

	/**
	 * Return the messages with this name that arrived and were not awaited, oldest first.
	 * @param name the name
	 * @return a snapshot
	 */
	public List<JsonNode> messages(String name) {
		synchronized (this.inbox) {
			return this.inbox.stream()
				.filter((received) -> received.name().equals(name))
				.map(Received::message)
				.toList();
		}
	}

	/**
	 * Forget every message received so far.
	 */
	public void clear() {
		synchronized (this.inbox) {
			this.inbox.clear();
		}
	}

	/**
	 * Close the connection.
	 */
	@Override
	public void close() {
		this.client.close();
	}

	private void record(String name, JsonNode message) {
		synchronized (this.inbox) {
			this.inbox.add(new Received(name, message));
			this.inbox.notifyAll();
		}
	}

	private void waitLocked(long nanos) {
		try {
			TimeUnit.NANOSECONDS.timedWait(this.inbox, nanos);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for a message", ex);
		}
	}

	private List<String> namesLocked() {
		return this.inbox.stream().map(Received::name).toList();
	}

	private <T> @Nullable T convert(JsonNode message, JavaType type) {
		return this.jsonMapper.treeToValue(message, type);
	}

	private static <T> @Nullable T join(CompletableFuture<@Nullable T> future) {
		try {
			return future.get(DEFAULT_WAIT.toMillis() + 1000, TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			if (ex.getCause() instanceof AmbiorixException failure) {
				throw failure;
			}
			throw new IllegalStateException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("No reply within " + DEFAULT_WAIT, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while waiting for a reply", ex);
		}
	}

	private record Received(String name, JsonNode message) {
	}

}
