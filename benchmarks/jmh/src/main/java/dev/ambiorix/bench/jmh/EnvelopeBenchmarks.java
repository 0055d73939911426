package dev.ambiorix.bench.jmh;

import java.net.InetSocketAddress;
import java.net.URI;
import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.handler.EnvelopeDispatcher;
import dev.ambiorix.spring.handler.HandlerRegistry;
import dev.ambiorix.spring.handler.PayloadConverter;
import dev.ambiorix.spring.handler.PayloadValidator;
import dev.ambiorix.spring.handler.ReceiveMethodProcessor;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.EnvelopeReader;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import dev.ambiorix.spring.protocol.InboundFrame;
import dev.ambiorix.spring.protocol.JsonLimits;
import dev.ambiorix.spring.session.ClientConnection;
import dev.ambiorix.spring.session.ClientConnections;
import dev.ambiorix.spring.session.DefaultWebSocketClients;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.LocalFrameDelivery;
import dev.ambiorix.spring.session.OutboundLimits;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * The per-frame work of the starter, without a network: parse a client frame, route it to
 * a {@code @Receive} handler (argument conversion included), and serialise an envelope.
 * The {@code floor*} benchmarks are what a hand-written handler does with the same
 * Jackson: {@code readTree} and {@code writeValueAsString} of an {@code ObjectNode}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = { "-Xms512m", "-Xmx512m" })
public class EnvelopeBenchmarks {

	/** A typical chat frame, about 100 bytes, as the macro benchmarks send. */
	static final String CHAT_FRAME = "{\"name\":\"chat\",\"message\":{\"k\":12345,\"p\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},\"isAmbiorix\":true}";

	static final String MOVE_FRAME = "{\"name\":\"move\",\"message\":{\"user\":\"ada\",\"x\":12,\"y\":-7},\"isAmbiorix\":true,\"id\":42}";

	private final JsonMapper mapper = new JsonMapper();

	private EnvelopeReader reader;

	private EnvelopeWriter writer;

	private EnvelopeDispatcher dispatcher;

	private ClientConnection client;

	private Envelope chat;

	private Envelope move;

	private JsonNode chatMessage;

	private Move moveMessage;

	private AnnotationConfigApplicationContext context;

	@Setup(Level.Trial)
	public void setUp() {
		this.reader = new EnvelopeReader(JsonLimits.DEFAULTS);
		this.writer = new EnvelopeWriter(this.mapper);
		this.context = new AnnotationConfigApplicationContext();
		this.context.registerBean(HandlerRegistry.class);
		this.context.registerBean(PayloadConverter.class,
				() -> new PayloadConverter(this.mapper, PayloadValidator.NONE));
		this.context.registerBean(ReceiveMethodProcessor.class);
		this.context.registerBean(Handlers.class);
		this.context.refresh();
		LocalClients clients = new LocalClients();
		WebSocketClients webSocketClients = new DefaultWebSocketClients(clients, new LocalFrameDelivery(clients),
				this.writer);
		this.dispatcher = new EnvelopeDispatcher(this.context.getBean(HandlerRegistry.class), webSocketClients,
				this.writer, false);
		this.client = new ClientConnections(clients, this.writer, new OutboundLimits(4 << 20, Duration.ofSeconds(10)))
			.open(new QuietSession());
		this.chat = (Envelope) this.reader.read(CHAT_FRAME);
		this.move = (Envelope) this.reader.read(MOVE_FRAME);
		this.chatMessage = this.chat.message();
		this.moveMessage = new Move("ada", 12, -7);
	}

	@TearDown(Level.Trial)
	public void tearDown() {
		this.context.close();
	}

	@Benchmark
	public InboundFrame parseChat() {
		return this.reader.read(CHAT_FRAME);
	}

	@Benchmark
	public InboundFrame parseMoveWithId() {
		return this.reader.read(MOVE_FRAME);
	}

	@Benchmark
	public JsonNode floorParseChat() {
		return this.mapper.readTree(CHAT_FRAME);
	}

	/**
	 * Route to {@code void chat(JsonNode)}: lookup, argument resolution, reflective call.
	 */
	@Benchmark
	public void routeChatToJsonNode() {
		this.dispatcher.dispatch(this.client, this.chat);
	}

	/** Route to {@code void move(Move)}: the message converted to a record. */
	@Benchmark
	public void routeMoveToRecord() {
		this.dispatcher.dispatch(this.client, this.move);
	}

	@Benchmark
	public String serialiseChat() {
		return this.writer.write("chat", this.chatMessage);
	}

	@Benchmark
	public String serialiseRecordReply() {
		return this.writer.write("move", this.moveMessage, this.move.id());
	}

	@Benchmark
	public String floorSerialiseChat() {
		ObjectNode out = JsonNodeFactory.instance.objectNode();
		out.put("name", "chat");
		out.set("message", this.chatMessage);
		out.put("isAmbiorix", true);
		return this.mapper.writeValueAsString(out);
	}

	public record Move(String user, int x, int y) {
	}

	/**
	 * Handlers that keep what they got, so that nothing is optimised away.
	 */
	public static class Handlers {

		volatile Object last;

		@Receive("chat")
		void chat(JsonNode message) {
			this.last = message;
		}

		@Receive("move")
		void move(Move move) {
			this.last = move;
		}

	}

	/**
	 * A session that is open and discards what is sent: routing is measured, not a
	 * network.
	 */
	static final class QuietSession implements WebSocketSession {

		private final Map<String, Object> attributes = new ConcurrentHashMap<>();

		@Override
		public String getId() {
			return "bench";
		}

		@Override
		public URI getUri() {
			return URI.create("ws://127.0.0.1/");
		}

		@Override
		public HttpHeaders getHandshakeHeaders() {
			return new HttpHeaders();
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.attributes;
		}

		@Override
		public Principal getPrincipal() {
			return null;
		}

		@Override
		public InetSocketAddress getLocalAddress() {
			return null;
		}

		@Override
		public InetSocketAddress getRemoteAddress() {
			return null;
		}

		@Override
		public String getAcceptedProtocol() {
			return null;
		}

		@Override
		public void setTextMessageSizeLimit(int messageSizeLimit) {
		}

		@Override
		public int getTextMessageSizeLimit() {
			return 65536;
		}

		@Override
		public void setBinaryMessageSizeLimit(int messageSizeLimit) {
		}

		@Override
		public int getBinaryMessageSizeLimit() {
			return 65536;
		}

		@Override
		public List<WebSocketExtension> getExtensions() {
			return List.of();
		}

		@Override
		public void sendMessage(WebSocketMessage<?> message) {
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public void close() {
		}

		@Override
		public void close(CloseStatus status) {
		}

	}

}
