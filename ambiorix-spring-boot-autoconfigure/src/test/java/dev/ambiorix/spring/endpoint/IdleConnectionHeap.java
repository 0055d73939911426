package dev.ambiorix.spring.endpoint;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures the heap that each idle connection to the endpoint costs the server: not a
 * test, a program run by hand (see {@code docs/tomcat.md}). The clients live in a child
 * process, so that only the server's side is counted.
 * <p>
 * Arguments: the number of connections (2,000 by default), then any Spring Boot
 * properties as {@code --name=value}.
 */
public final class IdleConnectionHeap {

	private IdleConnectionHeap() {
	}

	public static void main(String[] args) throws Exception {
		int connections = (args.length > 0 && !args[0].startsWith("--")) ? Integer.parseInt(args[0]) : 2000;
		List<String> properties = new ArrayList<>(List.of("--server.port=0", "--ambiorix.websocket.ping-interval=0",
				"--ambiorix.websocket.idle-timeout=0", "--logging.level.root=WARN"));
		for (String arg : args) {
			if (arg.startsWith("--")) {
				properties.add(arg);
			}
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(properties.toArray(String[]::new))) {
			String server = ((WebServerApplicationContext) context).getWebServer().getClass().getSimpleName();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			LocalClients clients = context.getBean(LocalClients.class);
			// Warm up once, so that classes and pools the first connection brings are in
			// the baseline.
			Process warmUp = clients(port, 50);
			waitFor(clients, 50);
			warmUp.destroy();
			warmUp.waitFor();
			waitFor(clients, 0);
			long before = usedHeapAfterGc();
			Process process = clients(port, connections);
			waitFor(clients, connections);
			long after = usedHeapAfterGc();
			System.out.printf("%s: %d idle connections, heap %.1f MB -> %.1f MB, %.1f KB per connection%n", server,
					connections, before / 1e6, after / 1e6, (after - before) / 1024.0 / connections);
			// -Didle.hold=60 keeps the connections a while, for jcmd GC.class_histogram.
			Thread.sleep(TimeUnit.SECONDS.toMillis(Long.getLong("idle.hold", 0L)));
			process.destroy();
			process.waitFor();
		}
	}

	private static Process clients(int port, int count) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
				Clients.class.getName(), Integer.toString(port), Integer.toString(count))
			.inheritIO()
			.redirectInput(ProcessBuilder.Redirect.PIPE)
			.start();
	}

	private static void waitFor(LocalClients clients, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (clients.count() != count) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException(clients.count() + " clients, expected " + count);
			}
			Thread.sleep(50);
		}
	}

	private static long usedHeapAfterGc() throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 5; i++) {
			System.gc();
			Thread.sleep(200);
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	/**
	 * The child process: opens the connections, then holds them until its input closes.
	 */
	public static final class Clients {

		private Clients() {
		}

		public static void main(String[] args) throws Exception {
			int port = Integer.parseInt(args[0]);
			int count = Integer.parseInt(args[1]);
			List<RawWebSocket> sockets = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				sockets.add(RawWebSocket.connect(port, 8192));
			}
			InputStream in = System.in;
			while (in.read() >= 0) {
				// Held open until the parent goes.
			}
			for (RawWebSocket socket : sockets) {
				socket.close();
			}
		}

	}

}
