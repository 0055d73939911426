package dev.ambiorix.sample.chat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} on a free local port, without persistence; stopped on
 * close. Never skipped: without Redis installed the test fails saying so.
 */
final class LocalRedis implements AutoCloseable {

	private static final String EXECUTABLE = "/usr/bin/redis-server";

	private final int port;

	private final Process process;

	LocalRedis() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			this.port = socket.getLocalPort();
		}
		try {
			this.process = new ProcessBuilder(EXECUTABLE, "--port", Integer.toString(this.port), "--bind", "127.0.0.1",
					"--save", "", "--appendonly", "no")
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"These tests need a real redis-server (Debian: apt-get install redis-server)", ex);
		}
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
			try (Socket socket = new Socket("127.0.0.1", this.port)) {
				return true;
			}
		});
	}

	int port() {
		return this.port;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		this.process.waitFor();
	}

}
