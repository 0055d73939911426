package dev.ambiorix.spring.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Inflater;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.CompressibleMessage;
import dev.ambiorix.spring.support.RawWebSocket.CompressibleFrame;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.ambiorix.spring.support.RawWebSocket.inflate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Tomcat, a broadcast to clients that agreed to compression without context takeover
 * is compressed once and written past Tomcat's own compression, and every client gets the
 * same bytes, RSV1 set, which decompress to the envelope; with context takeover each
 * client's frames take Tomcat's own compression. The starter's pings are off, so that
 * every frame a client reads is a message.
 */
@Tag("tomcat-only")
class SharedDeflateOnTomcatTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final String CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits";

	@Test
	void aBroadcastIsCompressedOnceAndEveryClientGetsTheSameBytes() throws Exception {
		try (ConfigurableApplicationContext context = start("no-context-takeover");
				Clients sockets = connect(context, 3)) {
			assertThat(sockets.writeDirectly()).as("direct write on every connection").containsOnly(true);
			WebSocketClients clients = context.getBean(WebSocketClients.class);
			// Small, non-ASCII, and larger than a shared frame (16 KB) compressed and
			// than a 16-bit length (64 KB) plain.
			Random random = new Random(7);
			StringBuilder large = new StringBuilder();
			while (large.length() < 200_000) {
				large.append((char) ('a' + random.nextInt(26)));
			}
			for (String text : List.of("all the news that fits, ".repeat(200), "héllo wörld, ça va? 日本語 🎉 ",
					large.toString())) {
				long before = SharedDeflate.compressions();
				clients.broadcast("news", text);
				byte[] first = null;
				for (RawWebSocket socket : sockets.list) {
					CompressibleFrame frame = socket.readCompressibleFrame();
					assertThat(frame.opcode()).isEqualTo(1);
					assertThat(frame.rsv1()).as("RSV1").isTrue();
					assertThat(frame.fin()).isTrue();
					if (first == null) {
						first = frame.payload();
						assertThat(inflate(new Inflater(true), first)).isEqualTo(envelope(text));
					}
					assertThat(frame.payload()).isEqualTo(first);
				}
				assertThat(first).isNotNull();
				if (text.length() > 100_000) {
					assertThat(first.length).as("compressed bytes").isGreaterThan(SharedFrame.MAX_BYTES);
				}
				assertThat(SharedDeflate.compressions() - before).as("compressions").isEqualTo(1);
			}
			// A control frame Tomcat writes itself still goes out as it is.
			RawWebSocket socket = sockets.list.get(0);
			socket.sendFrame(true, 9, "are you there".getBytes(StandardCharsets.UTF_8));
			CompressibleFrame pong = socket.readCompressibleFrame();
			assertThat(pong.opcode()).isEqualTo(10);
			assertThat(pong.rsv1()).isFalse();
			assertThat(new String(pong.payload(), StandardCharsets.UTF_8)).isEqualTo("are you there");
		}
	}

	@Test
	void withContextTakeoverEveryClientsFramesTakeTomcatsOwnCompression() throws Exception {
		try (ConfigurableApplicationContext context = start("context-takeover");
				Clients sockets = connect(context, 2)) {
			assertThat(sockets.writeDirectly()).as("direct write on every connection").containsOnly(false);
			WebSocketClients clients = context.getBean(WebSocketClients.class);
			List<Inflater> inflaters = new ArrayList<>();
			for (int i = 0; i < sockets.list.size(); i++) {
				inflaters.add(new Inflater(true));
			}
			long before = SharedDeflate.compressions();
			for (String text : List.of("the same news again, ".repeat(100), "the same news again, ".repeat(100),
					"héllo wörld 日本語 🎉")) {
				clients.broadcast("news", text);
				for (int i = 0; i < sockets.list.size(); i++) {
					assertThat(readMessage(sockets.list.get(i), inflaters.get(i))).isEqualTo(envelope(text));
				}
			}
			assertThat(SharedDeflate.compressions()).as("compressions").isEqualTo(before);
			inflaters.forEach(Inflater::end);
		}
	}

	private static ConfigurableApplicationContext start(String compression) {
		return new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.websocket.ping-interval=10m", "ambiorix.websocket.idle-timeout=20m",
					"ambiorix.websocket.compression=" + compression)
			.run();
	}

	private static Clients connect(ConfigurableApplicationContext context, int count) throws Exception {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		Clients clients = new Clients(context.getBean(LocalClients.class));
		for (int i = 0; i < count; i++) {
			RawWebSocket socket = RawWebSocket.connect(port, "/", CHROMIUM_OFFER);
			clients.list.add(socket);
			assertThat(socket.responseHeader("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
		}
		await().atMost(WAIT).until(() -> clients.local.count() == count);
		return clients;
	}

	private static String envelope(String text) {
		return "{\"name\":\"news\",\"message\":\"" + text + "\",\"isAmbiorix\":true}";
	}

	/** One message, in as many frames as Tomcat wrote it in, RSV1 on the first. */
	private static String readMessage(RawWebSocket socket, Inflater inflater) throws Exception {
		CompressibleMessage message = socket.readCompressibleMessage();
		assertThat(message.opcode()).isEqualTo(1);
		assertThat(message.compressed()).as("RSV1").isTrue();
		return inflate(inflater, message.payload());
	}

	/**
	 * The raw clients of one test, and the server's view of them.
	 */
	private static final class Clients implements AutoCloseable {

		final List<RawWebSocket> list = new ArrayList<>();

		final LocalClients local;

		Clients(LocalClients local) {
			this.local = local;
		}

		List<Boolean> writeDirectly() {
			List<Boolean> direct = new ArrayList<>();
			for (ClientConnection client : this.local.all()) {
				direct.add(((TomcatTransport) client.transport()).writesDirectly());
			}
			return direct;
		}

		@Override
		public void close() throws Exception {
			for (RawWebSocket socket : this.list) {
				socket.close();
			}
		}

	}

}
