package dev.ambiorix.client;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

/**
 * The JDK WebSocket's listener for one connection: assembles fragmented text frames and
 * hands whole ones to the client. Binary frames are ignored, as Ambiorix's clients do.
 */
final class FrameListener implements WebSocket.Listener {

	/** Above this many characters a message is refused (1009) rather than buffered. */
	static final int MAX_MESSAGE_CHARS = 16 * 1024 * 1024;

	private final AmbiorixClient client;

	private final Heartbeat heartbeat;

	private final StringBuilder partial = new StringBuilder();

	private boolean tooBig;

	FrameListener(AmbiorixClient client, Heartbeat heartbeat) {
		this.client = client;
		this.heartbeat = heartbeat;
	}

	@Override
	public void onOpen(WebSocket webSocket) {
		this.client.opened(webSocket, this.heartbeat);
		webSocket.request(1);
	}

	@Override
	public @Nullable CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.heartbeat.heard();
		// The JDK calls a listener for one WebSocket one call at a time, so no lock.
		if (!this.tooBig && this.partial.length() + data.length() > MAX_MESSAGE_CHARS) {
			this.tooBig = true;
			this.partial.setLength(0);
			webSocket.sendClose(1009, "message too big");
		}
		if (!this.tooBig) {
			if (last && this.partial.length() == 0) {
				this.client.received(webSocket, data.toString());
			}
			else {
				this.partial.append(data);
				if (last) {
					String text = this.partial.toString();
					this.partial.setLength(0);
					this.client.received(webSocket, text);
				}
			}
		}
		if (last) {
			this.tooBig = false;
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
		this.heartbeat.heard();
		webSocket.request(1);
		return null;
	}

	/**
	 * The JDK answers the ping itself; it tells the heartbeat that the server is there.
	 */
	@Override
	public @Nullable CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
		this.heartbeat.heard();
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
		this.heartbeat.heard();
		webSocket.request(1);
		return null;
	}

	@Override
	public @Nullable CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.heartbeat.stop();
		this.client.closed(webSocket, statusCode, reason, null);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.heartbeat.stop();
		this.client.closed(webSocket, 1006, "", error);
	}

}
