package dev.ambiorix.spring.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import static org.awaitility.Awaitility.await;

/**
 * A real {@code redis-server} process on a free local port, without persistence, for
 * tests. Never skipped: a machine without Redis fails the test with a message saying how
 * to install it.
 */
public final class RedisServer implements AutoCloseable {

	private final int port;

	private final Path log;

	private final List<String> extraArguments;

	private @Nullable Process process;

	private RedisServer(int port, List<String> extraArguments) throws IOException {
		this.port = port;
		this.extraArguments = extraArguments;
		this.log = Files.createTempFile("redis-server-" + port, ".log");
	}

	/**
	 * Start a server on a free port and wait until it answers PING.
	 * @return the running server
	 */
	public static RedisServer start() {
		return start(List.of());
	}

	/**
	 * Start a server on a free port with more arguments and wait until it answers PING.
	 * @param extraArguments arguments added to the command line, {@code port} replaced by
	 * the port
	 * @return the running server
	 */
	static RedisServer start(List<String> extraArguments) {
		try {
			RedisServer server = new RedisServer(freePort(), extraArguments);
			server.startProcess();
			return server;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	public int port() {
		return this.port;
	}

	/**
	 * Start the server again on the same port after {@link #stop()}.
	 */
	public void restart() {
		startProcess();
	}

	private void startProcess() {
		String executable = findExecutable();
		List<String> command = new ArrayList<>(List.of(executable, "--port", Integer.toString(this.port), "--bind",
				"127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
		this.extraArguments.forEach((argument) -> command.add(argument.replace("{port}", Integer.toString(this.port))));
		ProcessBuilder builder = new ProcessBuilder(command);
		builder.redirectErrorStream(true);
		builder.redirectOutput(ProcessBuilder.Redirect.appendTo(this.log.toFile()));
		try {
			this.process = builder.start();
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + executable, ex);
		}
		await().atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.ignoreExceptions()
			.until(() -> "PONG".equals(command("PING")));
	}

	private static String findExecutable() {
		return findExecutable("redis-server");
	}

	static String findExecutable(String name) {
		for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
			File candidate = new File(dir, name);
			if (candidate.canExecute()) {
				return candidate.getPath();
			}
		}
		for (String candidate : new String[] { "/usr/bin/" + name, "/usr/local/bin/" + name }) {
			if (new File(candidate).canExecute()) {
				return candidate;
			}
		}
		throw new IllegalStateException(name
				+ " is not installed: the cluster tests need a real one (apt-get install redis-server, which brings "
				+ "redis-cli and which .ci/run does on a fresh machine)");
	}

	/**
	 * Stop the server; what it held is gone.
	 */
	public void stop() {
		Process process = this.process;
		if (process == null) {
			return;
		}
		process.destroy();
		try {
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	/**
	 * Send one command over a fresh connection and return the first line of its reply,
	 * without the type marker ("+PONG" gives "PONG", ":3" gives "3").
	 * @param args the command and its arguments
	 * @return the reply
	 */
	public String command(String... args) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", this.port), 2000);
			socket.setSoTimeout(5000);
			StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
			for (String arg : args) {
				request.append('$')
					.append(arg.getBytes(StandardCharsets.UTF_8).length)
					.append("\r\n")
					.append(arg)
					.append("\r\n");
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.toString().getBytes(StandardCharsets.UTF_8));
			out.flush();
			BufferedReader in = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			String line = in.readLine();
			if (line == null) {
				throw new IllegalStateException("No reply to " + String.join(" ", args));
			}
			if (line.startsWith("-")) {
				throw new IllegalStateException("Redis error: " + line.substring(1));
			}
			if (line.startsWith("$")) {
				return (Integer.parseInt(line.substring(1)) < 0) ? "" : in.readLine();
			}
			return line.substring(1);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		stop();
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
