package dev.ambiorix.spring.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import org.jspecify.annotations.Nullable;

/**
 * A WebSocket client written on a plain socket, for what well-behaved clients cannot do:
 * stop reading with a tiny receive buffer, never answer pings, or send hand-made frames.
 */
public final class RawWebSocket implements AutoCloseable {

	private static final SecureRandom random = new SecureRandom();

	private final Socket socket;

	private final OutputStream out;

	private final InputStream in;

	private String responseHeaders = "";

	private RawWebSocket(Socket socket) throws IOException {
		this.socket = socket;
		this.out = socket.getOutputStream();
		this.in = socket.getInputStream();
	}

	/**
	 * Connect and complete the handshake.
	 * @param port the server port
	 * @param receiveBuffer the socket receive buffer size, small to fill up fast
	 * @return the connected socket
	 */
	public static RawWebSocket connect(int port, int receiveBuffer) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(receiveBuffer);
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10000);
		RawWebSocket raw = new RawWebSocket(socket);
		raw.handshake(port);
		return raw;
	}

	/**
	 * Connect to a path, offer extensions as a browser does, and complete the handshake.
	 * @param port the server port
	 * @param path the path
	 * @param extensions the {@code Sec-WebSocket-Extensions} offer, e.g.
	 * {@code permessage-deflate; client_max_window_bits}
	 * @return the connected socket
	 */
	public static RawWebSocket connect(int port, String path, String extensions) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(10000);
		RawWebSocket raw = new RawWebSocket(socket);
		raw.handshake(port, path, "Sec-WebSocket-Extensions: " + extensions + "\r\n");
		return raw;
	}

	private void handshake(int port) throws IOException {
		handshake(port, "/", "");
	}

	private void handshake(int port, String path, String extraHeaders) throws IOException {
		byte[] nonce = new byte[16];
		random.nextBytes(nonce);
		String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
				+ "\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders + "\r\n";
		this.out.write(request.getBytes(StandardCharsets.US_ASCII));
		this.out.flush();
		String status = readHeaders();
		this.responseHeaders = status;
		if (!status.startsWith("HTTP/1.1 101")) {
			throw new IOException("Handshake refused: " + status);
		}
	}

	private String readHeaders() throws IOException {
		ByteArrayOutputStream headers = new ByteArrayOutputStream();
		int matched = 0;
		byte[] end = { '\r', '\n', '\r', '\n' };
		while (matched < 4) {
			int b = this.in.read();
			if (b < 0) {
				throw new IOException("Connection closed during handshake");
			}
			headers.write(b);
			matched = (b == end[matched]) ? matched + 1 : (b == '\r') ? 1 : 0;
		}
		return headers.toString(StandardCharsets.US_ASCII);
	}

	/**
	 * The values of one header of the handshake's response, joined by ", ".
	 * @param name the header name, in any case
	 * @return the values, or null if the response had none
	 */
	public @Nullable String responseHeader(String name) {
		List<String> values = new ArrayList<>();
		for (String line : this.responseHeaders.split("\r\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
				values.add(line.substring(colon + 1).trim());
			}
		}
		return values.isEmpty() ? null : String.join(", ", values);
	}

	/**
	 * Send one masked frame with RSV1 set: a message compressed with
	 * {@code permessage-deflate}.
	 * @param payload the compressed payload
	 */
	public void sendCompressedText(byte[] payload) throws IOException {
		byte[] frame = encode(true, 1, payload);
		frame[0] |= 0x40;
		this.out.write(frame);
		this.out.flush();
	}

	/**
	 * Send one masked frame.
	 * @param fin whether this is the last frame of the message
	 * @param opcode 1 text, 2 binary, 0 continuation, 8 close, 9 ping, 10 pong
	 * @param payload the payload
	 */
	public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
		this.out.write(encode(fin, opcode, payload));
		this.out.flush();
	}

	/**
	 * Send several frames in one write, so that the server reads them together.
	 * @param frames the frames
	 */
	public void sendFrames(Frame... frames) throws IOException {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (Frame frame : frames) {
			all.write(encode(frame.fin(), frame.opcode(), frame.payload()));
		}
		this.out.write(all.toByteArray());
		this.out.flush();
	}

	private static byte[] encode(boolean fin, int opcode, byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream(payload.length + 14);
		frame.write((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else if (payload.length < 65536) {
			frame.write(0x80 | 126);
			frame.write(payload.length >>> 8);
			frame.write(payload.length);
		}
		else {
			frame.write(0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				frame.write((int) ((long) payload.length >>> shift));
			}
		}
		byte[] mask = new byte[4];
		random.nextBytes(mask);
		frame.writeBytes(mask);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i & 3]);
		}
		return frame.toByteArray();
	}

	public void sendText(String text) throws IOException {
		sendFrame(true, 1, text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Read one frame's opcode and payload, unmasked as the server sends them.
	 * @return the frame
	 */
	public Frame readFrame() throws IOException {
		CompressibleFrame frame = readCompressibleFrame();
		return new Frame(frame.opcode(), frame.fin(), frame.payload());
	}

	/**
	 * Read one frame with its RSV1 bit, which marks a compressed message.
	 * @return the frame
	 */
	public CompressibleFrame readCompressibleFrame() throws IOException {
		int first = readByte();
		int second = readByte();
		long length = second & 0x7F;
		if (length == 126) {
			length = (readByte() << 8) | readByte();
		}
		else if (length == 127) {
			length = 0;
			for (int i = 0; i < 8; i++) {
				length = (length << 8) | readByte();
			}
		}
		byte[] payload = this.in.readNBytes((int) length);
		return new CompressibleFrame(first & 0x0F, (first & 0x80) != 0, (first & 0x40) != 0, payload);
	}

	/**
	 * Read one whole message, its continuation frames included, with the RSV1 bit of its
	 * first frame, which marks it compressed.
	 * @return the message
	 */
	public CompressibleMessage readCompressibleMessage() throws IOException {
		CompressibleFrame frame = readCompressibleFrame();
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		payload.writeBytes(frame.payload());
		CompressibleFrame first = frame;
		while (!frame.fin()) {
			frame = readCompressibleFrame();
			if (frame.opcode() != 0) {
				throw new IOException("expected a continuation frame, got opcode " + frame.opcode());
			}
			payload.writeBytes(frame.payload());
		}
		return new CompressibleMessage(first.opcode(), first.rsv1(), payload.toByteArray());
	}

	/**
	 * Inflate a {@code permessage-deflate} message payload (RFC 7692 leaves off the four
	 * bytes that end it).
	 * @param inflater the connection's inflater: a fresh one per message without context
	 * takeover
	 * @param payload the message's payload
	 * @return the message text
	 */
	public static String inflate(Inflater inflater, byte[] payload) throws DataFormatException {
		byte[] input = new byte[payload.length + 4];
		System.arraycopy(payload, 0, input, 0, payload.length);
		input[payload.length + 2] = (byte) 0xFF;
		input[payload.length + 3] = (byte) 0xFF;
		inflater.setInput(input);
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[4096];
		int n;
		while ((n = inflater.inflate(buffer)) > 0) {
			out.write(buffer, 0, n);
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	private int readByte() throws IOException {
		int b = this.in.read();
		if (b < 0) {
			throw new IOException("end of stream");
		}
		return b;
	}

	public Socket socket() {
		return this.socket;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * A frame from the server, with its RSV1 bit.
	 *
	 * @param opcode the opcode
	 * @param fin whether it ends its message
	 * @param rsv1 whether it starts a compressed message
	 * @param payload the payload bytes, as on the wire
	 */
	public record CompressibleFrame(int opcode, boolean fin, boolean rsv1, byte[] payload) {
	}

	/**
	 * A whole message from the server.
	 *
	 * @param opcode the opcode of its first frame
	 * @param compressed whether its first frame had RSV1 set
	 * @param payload its frames' payloads, as on the wire
	 */
	public record CompressibleMessage(int opcode, boolean compressed, byte[] payload) {
	}

	/**
	 * A frame from the server.
	 *
	 * @param opcode the opcode
	 * @param fin whether it ends its message
	 * @param payload the payload bytes
	 */
	public record Frame(int opcode, boolean fin, byte[] payload) {

		public String text() {
			return new String(this.payload, StandardCharsets.UTF_8);
		}

		/**
		 * The close code of a close frame.
		 */
		public int closeCode() {
			return ((this.payload[0] & 0xFF) << 8) | (this.payload[1] & 0xFF);
		}

	}

}
