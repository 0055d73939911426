package dev.ambiorix.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP proxy on loopback that can turn the connections it carries into a black hole:
 * bytes are read and dropped in both directions, nothing is closed, as when the server's
 * machine or the network between vanishes. Connections made after that are carried again.
 */
final class BlackHoleProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final int target;

	private final List<Carried> carried = new CopyOnWriteArrayList<>();

	BlackHoleProxy(int target) throws IOException {
		this.target = target;
		this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		Thread accepting = new Thread(this::accept, "black-hole-proxy");
		accepting.setDaemon(true);
		accepting.start();
	}

	int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * Every connection carried now goes silent both ways, open.
	 */
	void swallowCurrentConnections() {
		this.carried.forEach((connection) -> connection.swallowing = true);
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				Socket server = new Socket(InetAddress.getLoopbackAddress(), this.target);
				Carried connection = new Carried(client, server);
				this.carried.add(connection);
				pump(connection, client, server);
				pump(connection, server, client);
			}
			catch (IOException ex) {
				// Closed, or the server is gone: nothing to carry.
			}
		}
	}

	private static void pump(Carried connection, Socket from, Socket to) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[8192];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) >= 0) {
					if (!connection.swallowing) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
			}
			catch (IOException ex) {
				// One side closed.
			}
			finally {
				if (!connection.swallowing) {
					connection.close();
				}
			}
		}, "black-hole-proxy-pump");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void close() throws IOException {
		this.listener.close();
		this.carried.forEach(Carried::close);
	}

	private static final class Carried {

		private final Socket client;

		private final Socket server;

		volatile boolean swallowing;

		Carried(Socket client, Socket server) {
			this.client = client;
			this.server = server;
		}

		void close() {
			try {
				this.client.close();
				this.server.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}

	}

}
