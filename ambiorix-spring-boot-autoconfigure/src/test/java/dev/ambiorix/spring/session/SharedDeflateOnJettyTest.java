package dev.ambiorix.spring.session;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Inflater;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.CompressibleFrame;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * On Jetty, a broadcast to clients that agreed to compression without context takeover is
 * compressed once, and every client gets the same bytes, which decompress to the
 * envelope; one that compresses to more than a frame holds is split by Jetty.
 */
@Tag("jetty")
class SharedDeflateOnJettyTest {

	@Test
	void aBroadcastIsCompressedOnceForEveryClient() throws Exception {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.websocket.compression=no-context-takeover")
			.run()) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			List<RawWebSocket> sockets = new ArrayList<>();
			try {
				for (int i = 0; i < 3; i++) {
					sockets.add(RawWebSocket.connect(port, "/", "permessage-deflate; client_max_window_bits"));
				}
				WebSocketClients clients = context.getBean(WebSocketClients.class);
				await().atMost(Duration.ofSeconds(30)).until(() -> clients.count() == 3);
				String text = "all the news that fits, ".repeat(200);
				long before = SharedDeflate.compressions();
				clients.broadcast("news", text);
				byte[] first = null;
				for (RawWebSocket socket : sockets) {
					CompressibleFrame frame = socket.readCompressibleFrame();
					assertThat(frame.rsv1()).isTrue();
					assertThat(frame.fin()).isTrue();
					if (first == null) {
						first = frame.payload();
						assertThat(inflate(first))
							.isEqualTo("{\"name\":\"news\",\"message\":\"" + text + "\",\"isAmbiorix\":true}");
					}
					assertThat(frame.payload()).isEqualTo(first);
				}
				assertThat(SharedDeflate.compressions() - before).isEqualTo(1);
				// Compressed to more than Jetty's largest frame (64 KiB): Jetty
				// compresses
				// and splits it, and every client still gets the whole message.
				String large = randomLetters(200_000);
				clients.broadcast("news", large);
				for (RawWebSocket socket : sockets) {
					CompressibleFrame frame = socket.readCompressibleFrame();
					assertThat(frame.rsv1()).isTrue();
					ByteArrayOutputStream payload = new ByteArrayOutputStream();
					int frames = 1;
					payload.writeBytes(frame.payload());
					while (!frame.fin()) {
						assertThat(frame.payload().length).isLessThanOrEqualTo(64 * 1024);
						frame = socket.readCompressibleFrame();
						assertThat(frame.opcode()).isZero();
						payload.writeBytes(frame.payload());
						frames++;
					}
					assertThat(frames).as("frames of one message").isGreaterThan(1);
					assertThat(inflate(payload.toByteArray()))
						.isEqualTo("{\"name\":\"news\",\"message\":\"" + large + "\",\"isAmbiorix\":true}");
				}
			}
			finally {
				for (RawWebSocket socket : sockets) {
					socket.close();
				}
			}
		}
	}

	private static String randomLetters(int length) {
		Random random = new Random(14);
		StringBuilder letters = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			letters.append((char) ('a' + random.nextInt(26)));
		}
		return letters.toString();
	}

	private static String inflate(byte[] payload) throws Exception {
		Inflater inflater = new Inflater(true);
		try {
			return RawWebSocket.inflate(inflater, payload);
		}
		finally {
			inflater.end();
		}
	}

}
