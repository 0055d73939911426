package dev.ambiorix.spring.endpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.RawWebSocket.CompressibleMessage;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import static dev.ambiorix.spring.support.RawWebSocket.inflate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ambiorix.websocket.compression} decides what the endpoint answers a client that
 * offers {@code permessage-deflate} as Chromium does, on whichever container runs (this
 * class runs on Tomcat and again on Jetty): the response's
 * {@code Sec-WebSocket-Extensions} says what was agreed, messages compressed by either
 * side arrive intact, and the application's own endpoint keeps the container's
 * negotiation.
 */
class CompressionTest {

	private static final String CHROMIUM_OFFER = "permessage-deflate; client_max_window_bits";

	/**
	 * An 8 KB chat-like JSON envelope: compressible, as real traffic is.
	 */
	private static final String ENVELOPE;

	static {
		StringBuilder text = new StringBuilder();
		for (int i = 0; text.length() < 8000; i++) {
			text.append("message ").append(i).append(" from the chat, ");
		}
		ENVELOPE = "{\"name\":\"echo\",\"message\":{\"user\":\"ann\",\"text\":\"" + text + "\"},\"isAmbiorix\":true}";
	}

	@Test
	void offDeclinesCompressionAndMessagesGoUncompressed() throws Exception {
		try (ConfigurableApplicationContext context = start("off");
				RawWebSocket client = RawWebSocket.connect(port(context), "/", CHROMIUM_OFFER)) {
			assertThat(client.responseHeader("Sec-WebSocket-Extensions")).isNull();
			client.sendText(ENVELOPE);
			CompressibleMessage reply = client.readCompressibleMessage();
			assertThat(reply.compressed()).isFalse();
			assertThat(new String(reply.payload(), StandardCharsets.UTF_8)).isEqualTo(ENVELOPE);
		}
	}

	@Test
	void contextTakeoverAcceptsTheOfferAndKeepsTheWindowBetweenMessages() throws Exception {
		try (ConfigurableApplicationContext context = start("context-takeover");
				RawWebSocket client = RawWebSocket.connect(port(context), "/", CHROMIUM_OFFER)) {
			assertThat(client.responseHeader("Sec-WebSocket-Extensions")).startsWith("permessage-deflate")
				.doesNotContain("no_context_takeover");
			Inflater inflater = new Inflater(true);
			client.sendCompressedText(compress(ENVELOPE));
			CompressibleMessage first = client.readCompressibleMessage();
			client.sendText(ENVELOPE);
			CompressibleMessage second = client.readCompressibleMessage();
			assertThat(first.compressed()).isTrue();
			assertThat(second.compressed()).isTrue();
			assertThat(inflate(inflater, first.payload())).isEqualTo(ENVELOPE);
			assertThat(inflate(inflater, second.payload())).isEqualTo(ENVELOPE);
			// The second refers back to the first, so it is far smaller.
			assertThat(second.payload().length).isLessThan(first.payload().length / 4);
		}
	}

	@Test
	void noContextTakeoverCompressesEachMessageOnItsOwn() throws Exception {
		try (ConfigurableApplicationContext context = start("no-context-takeover");
				RawWebSocket client = RawWebSocket.connect(port(context), "/", CHROMIUM_OFFER)) {
			assertThat(client.responseHeader("Sec-WebSocket-Extensions")).startsWith("permessage-deflate")
				.contains("server_no_context_takeover")
				.contains("client_no_context_takeover");
			client.sendCompressedText(compress(ENVELOPE));
			CompressibleMessage first = client.readCompressibleMessage();
			client.sendCompressedText(compress(ENVELOPE));
			CompressibleMessage second = client.readCompressibleMessage();
			assertThat(first.compressed()).isTrue();
			assertThat(first.payload().length).isLessThan(ENVELOPE.length() / 4);
			// Each decompresses alone, and the same message compresses the same way
			// twice.
			assertThat(inflate(new Inflater(true), first.payload())).isEqualTo(ENVELOPE);
			assertThat(inflate(new Inflater(true), second.payload())).isEqualTo(ENVELOPE);
			assertThat(second.payload()).isEqualTo(first.payload());
		}
	}

	@Test
	void noContextTakeoverBroadcastsTheSameBytesToEveryClient() throws Exception {
		try (ConfigurableApplicationContext context = start("no-context-takeover");
				RawWebSocket ann = RawWebSocket.connect(port(context), "/", CHROMIUM_OFFER);
				RawWebSocket bob = RawWebSocket.connect(port(context), "/", CHROMIUM_OFFER)) {
			WebSocketClients clients = context.getBean(WebSocketClients.class);
			await().atMost(Duration.ofSeconds(30)).until(() -> clients.count() == 2);
			String text = ENVELOPE.substring(0, 4000);
			clients.broadcast("news", text);
			CompressibleMessage toAnn = ann.readCompressibleMessage();
			CompressibleMessage toBob = bob.readCompressibleMessage();
			String expected = "{\"name\":\"news\",\"message\":\"" + text.replace("\"", "\\\"")
					+ "\",\"isAmbiorix\":true}";
			assertThat(toAnn.compressed()).isTrue();
			assertThat(inflate(new Inflater(true), toAnn.payload())).isEqualTo(expected);
			assertThat(toBob.payload()).isEqualTo(toAnn.payload());
		}
	}

	@Test
	void theApplicationsOwnEndpointKeepsTheContainersNegotiation() throws Exception {
		try (ConfigurableApplicationContext context = start("off", OtherEndpoint.class);
				RawWebSocket ours = RawWebSocket.connect(port(context), "/", CHROMIUM_OFFER);
				RawWebSocket other = RawWebSocket.connect(port(context), "/other", CHROMIUM_OFFER)) {
			assertThat(ours.responseHeader("Sec-WebSocket-Extensions")).isNull();
			assertThat(other.responseHeader("Sec-WebSocket-Extensions")).startsWith("permessage-deflate");
			other.sendText("ping");
			CompressibleMessage reply = other.readCompressibleMessage();
			assertThat(reply.compressed()).isTrue();
			assertThat(inflate(new Inflater(true), reply.payload())).isEqualTo("other: ping");
		}
	}

	private static ConfigurableApplicationContext start(String compression, Class<?>... more) {
		Class<?>[] sources = new Class<?>[more.length + 1];
		sources[0] = TestApplication.class;
		System.arraycopy(more, 0, sources, 1, more.length);
		return new SpringApplicationBuilder(sources)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"ambiorix.websocket.compression=" + compression)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * A message compressed on its own, as RFC 7692 has it: a raw deflate stream flushed
	 * to a byte boundary, without the final empty block's four bytes.
	 */
	private static byte[] compress(String text) {
		Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
		deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		byte[] buffer = new byte[4096];
		int n;
		while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
			out.write(buffer, 0, n);
		}
		deflater.end();
		byte[] compressed = out.toByteArray();
		byte[] withoutTail = new byte[compressed.length - 4];
		System.arraycopy(compressed, 0, withoutTail, 0, withoutTail.length);
		return withoutTail;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	static class OtherEndpoint implements WebSocketConfigurer {

		@Override
		public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
			registry.addHandler(new TextWebSocketHandler() {

				@Override
				protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
					session.sendMessage(new TextMessage("other: " + message.getPayload()));
				}

			}, "/other");
		}

	}

}
