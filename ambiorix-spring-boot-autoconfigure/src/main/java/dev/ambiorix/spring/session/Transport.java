package dev.ambiorix.spring.session;

import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * The container-facing side of one connection: asynchronous sends that report completion,
 * so that no caller waits on a client's network.
 */
interface Transport {

	/**
	 * Start sending a text frame. The callback runs exactly once, possibly on the calling
	 * thread.
	 * @param text the frame text
	 * @param callback told when the frame is written or failed
	 */
	void sendText(String text, SendCallback callback);

	/**
	 * Start sending a ping. The callback runs exactly once.
	 * @param callback told when the ping is written or failed
	 */
	void sendPing(SendCallback callback);

	/**
	 * Close the connection; a no-op when it is already closed.
	 * @param status the close status
	 */
	void close(CloseStatus status);

	/**
	 * Close a connection that may be stuck, without making the caller wait: by default
	 * the close, which may block, runs on the executor.
	 * @param status the close status
	 * @param executor where a blocking close may run
	 */
	default void terminate(CloseStatus status, Executor executor) {
		executor.execute(() -> close(status));
	}

	/**
	 * Return whether text frames to an idle client go straight into its socket, past the
	 * container's own write machinery.
	 * @return {@code false} unless this transport does
	 */
	default boolean writesDirectly() {
		return false;
	}

	/**
	 * Completion of one send.
	 */
	@FunctionalInterface
	interface SendCallback {

		/**
		 * Called once the send is done.
		 * @param failure why it failed, or {@code null} on success
		 */
		void completed(@Nullable Throwable failure);

	}

}
