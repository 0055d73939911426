package dev.ambiorix.spring.session;

import java.util.List;

import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Told what happens on the endpoint, so that metrics, observations and logs can follow it
 * without the endpoint knowing about them. Every method does nothing by default; each is
 * called on the thread where the event happens, so implementations must be quick and must
 * not throw.
 * <p>
 * Names passed in come from clients: implementations that turn them into tags must check
 * them against the registered handlers.
 */
public interface AmbiorixMonitor {

	/** A monitor that ignores everything. */
	AmbiorixMonitor NONE = new AmbiorixMonitor() {
	};

	/**
	 * A client connected and was registered.
	 * @param client the client
	 */
	default void connected(ClientConnection client) {
	}

	/**
	 * A client's connection closed; called once per client.
	 * @param client the client
	 * @param status the close status the container reported
	 */
	default void closed(ClientConnection client, CloseStatus status) {
	}

	/**
	 * An inbound envelope was handled: the handler returned (or its future completed)
	 * without error.
	 * @param name the envelope name, which named a handler
	 */
	default void handled(String name) {
	}

	/**
	 * A JSON object without {@code "isAmbiorix": true} arrived and was ignored.
	 */
	default void ignored() {
	}

	/**
	 * An inbound frame was answered with an error envelope.
	 * @param name the envelope name the error is about, or {@code null} when none was
	 * read
	 * @param code the error code
	 */
	default void rejected(@Nullable String name, ErrorCode code) {
	}

	/**
	 * A frame was offered to a client's outbound queue.
	 * @param frame the frame text (an envelope whose first key is its name)
	 * @param bytes the frame's length in UTF-8, as the send buffer counts it
	 * @param queued {@code false} when the client was closed or its queue overflowed
	 */
	default void outbound(String frame, int bytes, boolean queued) {
	}

	/**
	 * A client was disconnected by its outbound queue: it stopped reading, or a send
	 * failed.
	 * @param client the client
	 * @param reason why
	 */
	default void dropped(ClientConnection client, DropReason reason) {
	}

	/**
	 * Run a handler call, letting the monitor wrap it (an observation, say). A returned
	 * {@code CompletionStage} is the call's result: the call ends when it completes.
	 * @param name the handler's name
	 * @param envelope the envelope handled
	 * @param call the call
	 * @return what the call returned
	 * @throws Throwable what the call threw
	 */
	default @Nullable Object observe(String name, Envelope envelope, HandlerCall call) throws Throwable {
		return call.call();
	}

	/**
	 * Combine monitors: each is told of everything, in order; handler calls are wrapped
	 * by the first monitor outermost.
	 * @param monitors the monitors
	 * @return one monitor
	 */
	static AmbiorixMonitor of(List<? extends AmbiorixMonitor> monitors) {
		if (monitors.isEmpty()) {
			return NONE;
		}
		return (monitors.size() == 1) ? monitors.get(0) : new CompositeMonitor(List.copyOf(monitors));
	}

	/**
	 * One handler call.
	 */
	@FunctionalInterface
	interface HandlerCall {

		/**
		 * Make the call.
		 * @return what the handler returned
		 * @throws Throwable what the handler threw
		 */
		@Nullable Object call() throws Throwable;

	}

}
