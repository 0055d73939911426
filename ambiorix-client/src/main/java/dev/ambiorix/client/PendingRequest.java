package dev.ambiorix.client;

import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

/**
 * A request waiting for its reply: whoever removes it from the client's map of pending
 * requests (the reply, the timeout, the disconnect or the close) settles it, so it is
 * settled once.
 */
final class PendingRequest {

	final long id;

	final String name;

	final JavaType replyType;

	final CompletableFuture<@Nullable Object> future = new CompletableFuture<>();

	/** The connection the frame was written to, once it was; guarded by the client. */
	volatile @Nullable WebSocket socket;

	volatile @Nullable Future<?> timeout;

	/**
	 * Whether the connection it was written to was lost and its reply may come in the
	 * replay of the next one.
	 */
	volatile boolean awaitingRecovery;

	PendingRequest(long id, String name, JavaType replyType) {
		this.id = id;
		this.name = name;
		this.replyType = replyType;
	}

	void cancelTimeout() {
		Future<?> timeout = this.timeout;
		if (timeout != null) {
			timeout.cancel(false);
		}
	}

}
