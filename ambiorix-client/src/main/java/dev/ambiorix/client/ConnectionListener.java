package dev.ambiorix.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Hears the life of an {@link AmbiorixClient}'s connection. Every method does nothing by
 * default; callbacks run on the client's executor, one at a time, in the order the events
 * happened, interleaved with the {@code receive} handlers.
 */
public interface ConnectionListener {

	/**
	 * A connection opened, the first or a reconnect; sends queued while disconnected have
	 * already been written to it.
	 * @param client the client
	 */
	default void onOpen(AmbiorixClient client) {
	}

	/**
	 * An open connection closed, by either side or by a network failure (code 1006).
	 * @param code the WebSocket close code
	 * @param reason the close reason, possibly empty
	 */
	default void onClose(int code, String reason) {
	}

	/**
	 * The client will try to connect again after a delay.
	 * @param attempt the attempt about to be made, counting from 1 since the last open
	 * connection
	 * @param delay the delay before it
	 */
	default void onReconnect(int attempt, Duration delay) {
	}

	/**
	 * The server answered a reconnect that asked for recovery: with {@code true}, every
	 * message missed while away has already reached its handler, once and in order, and
	 * the client id is the same; with {@code false}, the client starts fresh under a new
	 * id, and what it missed is lost, so reload what the application shows.
	 * @param recovered whether the session was recovered
	 * @param reason why not, or {@code null}: {@code expired}, {@code unknown_session},
	 * {@code user_changed}, {@code history_exceeded} from our server, or
	 * {@code unsupported} from a server without recovery
	 */
	default void onRecovered(boolean recovered, @Nullable String reason) {
	}

	/**
	 * Something went wrong that no request is waiting for: a connection attempt failed,
	 * the network failed, a {@code receive} handler threw or its message did not convert,
	 * or the server sent an {@code ambiorix:error} about a frame that was not a request
	 * (an {@link AmbiorixErrorException}, for instance {@code unknown_name} after a
	 * {@code send} to a name the server does not know).
	 * @param error what went wrong
	 */
	default void onError(Throwable error) {
	}

}
