package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Broadcasts large enough to be split across threads, over transports that record what
 * they were asked to send.
 */
class LocalFrameDeliveryTest {

	private static final int CLIENTS = LocalFrameDelivery.PARALLEL_THRESHOLD * 2 + 7;

	private final LocalClients clients = new LocalClients();

	private final Map<String, List<String>> received = new ConcurrentHashMap<>();

	/** Which clients each delivering thread wrote to, by the order they connected in. */
	private final Map<Thread, List<Integer>> writesByThread = new ConcurrentHashMap<>();

	/** Every write of every thread, by the order the clients connected in. */
	private final List<Integer> writes = Collections.synchronizedList(new ArrayList<>());

	private final LocalFrameDelivery delivery = new LocalFrameDelivery(this.clients, 4);

	LocalFrameDeliveryTest() {
		EnvelopeWriter writer = new EnvelopeWriter(new JsonMapper());
		OutboundLimits limits = new OutboundLimits(1 << 20, Duration.ofSeconds(10));
		for (int i = 0; i < CLIENTS; i++) {
			String id = "client-" + i;
			int connected = i;
			List<String> frames = Collections.synchronizedList(new ArrayList<>());
			this.received.put(id, frames);
			Runnable onWrite = () -> {
				this.writesByThread
					.computeIfAbsent(Thread.currentThread(),
							(thread) -> Collections.synchronizedList(new ArrayList<>()))
					.add(connected);
				this.writes.add(connected);
			};
			this.clients.add(new ClientConnection(id, mock(WebSocketSession.class),
					new RecordingTransport(frames, onWrite), writer, limits, this.clients, Runnable::run));
		}
	}

	@AfterEach
	void shutDown() {
		this.delivery.destroy();
	}

	@Test
	void largeBroadcastReachesEveryClientOnceExceptTheExcludedOne() {
		this.delivery.toAll("frame", "client-7");
		this.received.forEach((id, frames) -> {
			if (id.equals("client-7")) {
				assertThat(frames).isEmpty();
			}
			else {
				assertThat(frames).as(id).containsExactly("frame");
			}
		});
	}

	@Test
	void consecutiveLargeBroadcastsReachEachClientInOrder() {
		List<String> sent = IntStream.range(0, 50).mapToObj(String::valueOf).toList();
		sent.forEach((frame) -> this.delivery.toAll(frame, null));
		this.received.forEach((id, frames) -> assertThat(frames).as(id).containsExactlyElementsOf(sent));
	}

	@Test
	void singleThreadedDeliveryReachesEveryClient() {
		LocalFrameDelivery sequential = new LocalFrameDelivery(this.clients, 1);
		sequential.toAll("frame", null);
		this.received.values().forEach((frames) -> assertThat(frames).containsExactly("frame"));
	}

	@Test
	void singleThreadedBroadcastReachesClientsInTheOrderTheyConnected() {
		new LocalFrameDelivery(this.clients, 1).toAll("frame", null);
		assertThat(this.writesByThread).hasSize(1);
		assertThat(this.writesByThread.values().iterator().next()).isSorted().hasSize(CLIENTS).startsWith(0);
	}

	@Test
	void largeBroadcastServesTheFirstConnectedClientFirstAndEachThreadInConnectionOrder() {
		// Each thread takes chunks in turn, so whoever took the first chunk wrote to the
		// first client before any other, however the threads were scheduled.
		this.delivery.toAll("frame", null);
		assertThat(this.writesByThread.values()).allSatisfy((writes) -> assertThat(writes).isSorted());
		assertThat(this.writesByThread.values()).anySatisfy((writes) -> assertThat(writes).startsWith(0));
		assertThat(this.writesByThread.values().stream().mapToInt(List::size).sum()).isEqualTo(CLIENTS);
	}

	@Test
	void largeBroadcastWritesTheFirstChunkFromTheCallerBeforeAnyHelperStarts() {
		this.delivery.toAll("frame", null);
		List<Integer> firstChunk = IntStream.range(0, LocalFrameDelivery.CHUNK_SIZE).boxed().toList();
		assertThat(this.writes.subList(0, LocalFrameDelivery.CHUNK_SIZE)).isEqualTo(firstChunk);
		assertThat(this.writesByThread.get(Thread.currentThread())).startsWith(firstChunk.toArray(Integer[]::new));
	}

	@Test
	void broadcastReachesClientsInConnectionOrderAfterOthersLeave() {
		for (int i = 0; i < CLIENTS; i += 3) {
			this.clients.remove(this.clients.get("client-" + i));
		}
		new LocalFrameDelivery(this.clients, 1).toAll("frame", null);
		assertThat(this.writesByThread.values().iterator().next()).isSorted()
			.hasSize(CLIENTS - (CLIENTS + 2) / 3)
			.startsWith(1);
	}

	/**
	 * Records each frame and completes its send at once, as a socket with room does.
	 */
	private record RecordingTransport(List<String> frames, Runnable onWrite) implements Transport {

		@Override
		public void sendText(String text, SendCallback callback) {
			this.frames.add(text);
			this.onWrite.run();
			callback.completed(null);
		}

		@Override
		public void sendPing(SendCallback callback) {
			callback.completed(null);
		}

		@Override
		public void close(CloseStatus status) {
		}

	}

}
