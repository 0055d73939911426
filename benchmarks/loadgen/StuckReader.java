import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client that completes the handshake and then never reads again, with a
 * receive buffer of 4 KB, so that the server's writes to it stall after a few frames
 * (Node cannot shrink a socket's receive buffer; the kernel would otherwise absorb
 * megabytes). Run by the load generator as {@code java StuckReader.java PORT}; prints
 * READY once upgraded and holds the connection until its standard input closes.
 */
public final class StuckReader {

	public static void main(String[] args) throws Exception {
		int port = Integer.parseInt(args[0]);
		try (Socket socket = new Socket()) {
			socket.setReceiveBufferSize(4096);
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			byte[] nonce = new byte[16];
			ThreadLocalRandom.current().nextBytes(nonce);
			String request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
					+ "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce)
					+ "\r\nSec-WebSocket-Version: 13\r\n\r\n";
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			StringBuilder head = new StringBuilder();
			while (head.indexOf("\r\n\r\n") < 0) {
				int b = in.read();
				if (b < 0) {
					throw new IllegalStateException("closed during the handshake: " + head);
				}
				head.append((char) b);
			}
			if (!head.toString().startsWith("HTTP/1.1 101")) {
				throw new IllegalStateException(head.toString());
			}
			System.out.println("READY");
			System.out.flush();
			// Never read from the socket again; wait for the load generator to finish.
			while (System.in.read() >= 0) {
				// discard
			}
		}
	}

}
