package dev.ambiorix.spring.session;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Inflater;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.CompressibleMessage;
import dev.ambiorix.spring.support.TestApplication;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static dev.ambiorix.spring.support.RawWebSocket.inflate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Jetty, a broadcast's text goes out through Jetty's core session with UTF-8 bytes
 * encoded once for all its clients, and every client gets exactly those bytes, in one
 * frame or, above Jetty's largest frame, in several; a connection that agreed to
 * compression still gets compressed frames.
 */
@Tag("jetty")
class SharedTextOnJettyTest {

	private static final int CLIENTS = 3;

	/**
	 * Two-, three- and four-byte characters beside ASCII.
	 */
	private static final String NON_ASCII = "héllo wörld, 日本語, \uD83C\uDF89 and \"quotes\"";

	/**
	 * More than Jetty's largest frame (64 KiB), so that Jetty splits it.
	 */
	private static final String LARGE = "ünïcode news that fits, ".repeat(4000);

	@Test
	void aBroadcastIsEncodedOnceAndEveryClientGetsExactlyItsBytes() throws Exception {
		try (ConfigurableApplicationContext context = start("off")) {
			List<RawWebSocket> sockets = connect(context, null);
			try {
				for (String text : List.of(NON_ASCII, LARGE)) {
					long before = Utf8.encodings();
					context.getBean(WebSocketClients.class).broadcast("news", text);
					byte[] expected = envelope(text).getBytes(StandardCharsets.UTF_8);
					for (RawWebSocket socket : sockets) {
						CompressibleMessage message = socket.readCompressibleMessage();
						assertThat(message.opcode()).isEqualTo(1);
						assertThat(message.compressed()).isFalse();
						assertThat(message.payload()).isEqualTo(expected);
					}
					// Once on the broadcasting thread; a client busy when the broadcast
					// reached it takes the frame on a thread of Jetty's, which may
					// encode it once more. Jetty's own API encodes nothing of ours.
					assertThat(Utf8.encodings() - before).isBetween(1L, (long) CLIENTS);
				}
				assertThat(LARGE.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(64 * 1024);
			}
			finally {
				close(sockets);
			}
		}
	}

	@Test
	void aConnectionThatAgreedToCompressionStillGetsCompressedFrames() throws Exception {
		try (ConfigurableApplicationContext context = start("context-takeover")) {
			List<RawWebSocket> sockets = connect(context, "permessage-deflate; client_max_window_bits");
			try {
				List<Inflater> inflaters = new ArrayList<>();
				for (int i = 0; i < CLIENTS; i++) {
					inflaters.add(new Inflater(true));
				}
				for (String text : List.of(NON_ASCII, LARGE, NON_ASCII)) {
					long before = Utf8.encodings();
					context.getBean(WebSocketClients.class).broadcast("news", text);
					for (int i = 0; i < CLIENTS; i++) {
						CompressibleMessage message = sockets.get(i).readCompressibleMessage();
						assertThat(message.opcode()).isEqualTo(1);
						assertThat(message.compressed()).isTrue();
						assertThat(inflate(inflaters.get(i), message.payload())).isEqualTo(envelope(text));
					}
					assertThat(Utf8.encodings() - before).isBetween(1L, (long) CLIENTS);
				}
			}
			finally {
				close(sockets);
			}
		}
	}

	private static ConfigurableApplicationContext start(String compression) {
		return new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.websocket.compression=" + compression)
			.run();
	}

	private static List<RawWebSocket> connect(ConfigurableApplicationContext context, @Nullable String extensions)
			throws IOException {
		int port = ((WebServerApplicationContext) context).getWebServer().getPort();
		List<RawWebSocket> sockets = new ArrayList<>();
		for (int i = 0; i < CLIENTS; i++) {
			sockets.add((extensions != null) ? RawWebSocket.connect(port, "/", extensions)
					: RawWebSocket.connect(port, 1 << 20));
		}
		LocalClients clients = context.getBean(LocalClients.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> clients.count() == CLIENTS);
		assertThat(clients.all()).allSatisfy((client) -> assertThat(client.transport())
			.isInstanceOfSatisfying(JettyTransport.class, (transport) -> assertThat(transport.sharesBytes()).isTrue()));
		return sockets;
	}

	private static void close(List<RawWebSocket> sockets) throws IOException {
		for (RawWebSocket socket : sockets) {
			socket.close();
		}
	}

	private static String envelope(String text) {
		return "{\"name\":\"news\",\"message\":\"" + text.replace("\"", "\\\"") + "\",\"isAmbiorix\":true}";
	}

}
