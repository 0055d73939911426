package dev.ambiorix.spring.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The raw-frame client: a real WebSocket client (the JDK's) over a real port, collecting
 * the text frames it receives as they come. Only for what our own client cannot send or
 * show (malformed frames, the exact wire form, ids on the wire, oversized frames, close
 * codes of the test's choosing); everything else goes through {@link AmbiorixConnection}
 * (see docs/testing.md).
 */
public final class TestClient implements WebSocket.Listener, AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newHttpClient();

	private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	private final StringBuilder partial = new StringBuilder();

	private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

	private volatile @Nullable String closeReason;

	private final WebSocket socket;

	private TestClient(URI uri, Map<String, String> headers, String... subprotocols) {
		WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
		headers.forEach(builder::header);
		if (subprotocols.length > 0) {
			builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
		}
		this.socket = builder.buildAsync(uri, this).join();
	}

	/**
	 * Connect to the endpoint at {@code /} on a local port.
	 * @param port the server port
	 * @return the connected client
	 */
	public static TestClient connect(int port) {
		return connect(port, "/", Map.of());
	}

	public static TestClient connect(int port, String path, Map<String, String> headers) {
		return new TestClient(URI.create("ws://127.0.0.1:" + port + path), headers);
	}

	/**
	 * Connect offering subprotocols, most preferred first.
	 */
	public static TestClient connect(int port, String path, Map<String, String> headers, String... subprotocols) {
		return new TestClient(URI.create("ws://127.0.0.1:" + port + path), headers, subprotocols);
	}

	/**
	 * Send an envelope.
	 * @param name the name
	 * @param message the message, written as JSON
	 */
	public void send(String name, @Nullable Object message) {
		sendText(envelope(name, message, null));
	}

	/**
	 * Send an envelope that asks for a reply by id.
	 */
	public void request(String name, @Nullable Object message, Object id) {
		sendText(envelope(name, message, id));
	}

	public static String envelope(String name, @Nullable Object message, @Nullable Object id) {
		StringBuilder text = new StringBuilder("{\"name\":").append(json.writeValueAsString(name))
			.append(",\"message\":")
			.append(json.writeValueAsString(message))
			.append(",\"isAmbiorix\":true");
		if (id != null) {
			text.append(",\"id\":").append(json.writeValueAsString(id));
		}
		return text.append('}').toString();
	}

	public void sendText(String text) {
		this.socket.sendText(text, true).join();
	}

	public void sendBinary(byte[] bytes) {
		this.socket.sendBinary(ByteBuffer.wrap(bytes), true).join();
	}

	/**
	 * Take the next frame, parsed.
	 * @return the frame
	 */
	public JsonNode next() {
		return json.readTree(nextText());
	}

	public String nextText() {
		try {
			String frame = this.frames.poll(10, TimeUnit.SECONDS);
			assertThat(frame).as("a frame within 10 s").isNotNull();
			return frame;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Take the next frame and check it is an error envelope with the given code.
	 * @param code the expected error code
	 * @return the error's message object
	 */
	public JsonNode nextError(String code) {
		JsonNode frame = next();
		assertThat(frame.get("name").stringValue()).as(frame.toString()).isEqualTo("ambiorix:error");
		assertThat(frame.get("message").get("code").stringValue()).as(frame.toString()).isEqualTo(code);
		return frame.get("message");
	}

	/**
	 * Take all frames that arrive within the given time.
	 */
	public List<String> drain(Duration wait) {
		List<String> all = new ArrayList<>();
		try {
			String frame;
			while ((frame = this.frames.poll(wait.toMillis(), TimeUnit.MILLISECONDS)) != null) {
				all.add(frame);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return all;
	}

	public int pending() {
		return this.frames.size();
	}

	/**
	 * Return the close code the server sent, once it has.
	 */
	public CompletableFuture<Integer> closeCode() {
		return this.closeCode;
	}

	public @Nullable String closeReason() {
		return this.closeReason;
	}

	public boolean isOpen() {
		return !this.socket.isInputClosed() && !this.socket.isOutputClosed();
	}

	public WebSocket socket() {
		return this.socket;
	}

	@Override
	public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
		this.partial.append(data);
		if (last) {
			this.frames.add(this.partial.toString());
			this.partial.setLength(0);
		}
		webSocket.request(1);
		return null;
	}

	@Override
	public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
		this.closeReason = reason;
		this.closeCode.complete(statusCode);
		return null;
	}

	@Override
	public void onError(WebSocket webSocket, Throwable error) {
		this.closeCode.completeExceptionally(error);
	}

	@Override
	public void close() {
		if (!this.socket.isOutputClosed()) {
			this.socket.sendClose(WebSocket.NORMAL_CLOSURE, "")
				.orTimeout(2, TimeUnit.SECONDS)
				.exceptionally((ex) -> null)
				.join();
		}
		this.socket.abort();
	}

}
