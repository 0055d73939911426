package dev.ambiorix.spring.session;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The queue's rules, driven by a transport whose sends complete when the test says so.
 */
class OutboundQueueTest {

	private final ManualTransport transport = new ManualTransport();

	private final List<CloseStatus> terminated = new ArrayList<>();

	private final OutboundQueue queue = new OutboundQueue(this.transport, 100, 1_000_000_000L, this.terminated::add);

	@Test
	void sendsOneFrameAtATimeInOrder() {
		this.queue.offer("a");
		this.queue.offer("b");
		this.queue.offer("c");
		assertThat(this.transport.started).containsExactly("a");
		this.transport.complete(null);
		assertThat(this.transport.started).containsExactly("a", "b");
		this.transport.complete(null);
		this.transport.complete(null);
		assertThat(this.transport.started).containsExactly("a", "b", "c");
		assertThat(this.queue.queuedBytes()).isZero();
	}

	@Test
	void sendsThatCompleteOnTheCallingThreadDrainWithoutRecursion() {
		this.transport.completeImmediately = true;
		OutboundQueue big = new OutboundQueue(this.transport, 10_000_000, 1_000_000_000L, this.terminated::add);
		this.transport.completeImmediately = false;
		big.offer("first");
		for (int i = 0; i < 100_000; i++) {
			big.offer("x");
		}
		this.transport.completeImmediately = true;
		this.transport.complete(null);
		assertThat(this.transport.started).hasSize(100_001);
	}

	@Test
	void theBufferCountsUtf8BytesNotCharacters() {
		// 40 characters but 120 bytes: with the first in flight, ten more bytes overflow
		// the 100-byte buffer, though 50 characters would fit.
		this.queue.offer("€".repeat(40));
		assertThat(this.queue.queuedBytes()).isEqualTo(120);
		assertThat(this.queue.offer("x".repeat(10))).isFalse();
		assertThat(this.terminated).containsExactly(OutboundQueue.BUFFER_OVERFLOW);
	}

	@Test
	void aSurrogatePairCountsFourBytes() {
		this.queue.offer("😀");
		assertThat(this.queue.queuedBytes()).isEqualTo(4);
	}

	@Test
	void overflowTerminatesWith1008AndRefusesMore() {
		this.queue.offer("x".repeat(60));
		assertThat(this.queue.offer("y".repeat(60))).isFalse();
		assertThat(this.terminated).containsExactly(OutboundQueue.BUFFER_OVERFLOW);
		assertThat(this.terminated.get(0).getCode()).isEqualTo(1008);
		assertThat(this.queue.offer("z")).isFalse();
		assertThat(this.terminated).hasSize(1);
	}

	@Test
	void frameLargerThanTheBufferIsAcceptedIntoAnEmptyQueue() {
		assertThat(this.queue.offer("x".repeat(500))).isTrue();
		assertThat(this.transport.started).hasSize(1);
		assertThat(this.terminated).isEmpty();
	}

	@Test
	void sendStuckPastTheTimeLimitTerminatesWith1008() {
		this.queue.offer("a");
		this.queue.checkSendTime(System.nanoTime());
		assertThat(this.terminated).isEmpty();
		this.queue.checkSendTime(System.nanoTime() + 2_000_000_000L);
		assertThat(this.terminated).containsExactly(OutboundQueue.SEND_TIME_LIMIT);
	}

	@Test
	void idleQueueIsNeverStuck() {
		this.queue.offer("a");
		this.transport.complete(null);
		this.queue.checkSendTime(System.nanoTime() + 2_000_000_000L);
		assertThat(this.terminated).isEmpty();
	}

	@Test
	void failedSendTerminates() {
		this.queue.offer("a");
		this.queue.offer("b");
		this.transport.complete(new java.io.IOException("broken pipe"));
		assertThat(this.terminated).containsExactly(OutboundQueue.SEND_FAILED);
		assertThat(this.transport.started).containsExactly("a");
	}

	@Test
	void closeWaitsForQueuedFrames() {
		this.queue.offer("a");
		this.queue.offer("b");
		this.queue.closeAfterPending(CloseStatus.NORMAL);
		assertThat(this.transport.closed).isNull();
		this.transport.complete(null);
		this.transport.complete(null);
		assertThat(this.transport.started).containsExactly("a", "b");
		assertThat(this.transport.closed).isEqualTo(CloseStatus.NORMAL);
		assertThat(this.queue.offer("c")).isFalse();
	}

	@Test
	void closeOfAnIdleQueueGoesOutAtOnceAndNoLaterFrameFollowsIt() {
		this.queue.closeAfterPending(CloseStatus.GOING_AWAY);
		assertThat(this.transport.closed).isEqualTo(CloseStatus.GOING_AWAY);
		assertThat(this.queue.offer("late")).isFalse();
		assertThat(this.transport.started).isEmpty();
		assertThat(this.queue.isClosed()).isTrue();
	}

	@Test
	void pingGoesOutRightAfterTheSendInFlightAheadOfQueuedFramesAndIsNotDoubled() {
		this.transport.pingsComplete = false;
		this.queue.offer("a");
		this.queue.offer("b");
		this.queue.ping();
		this.queue.ping();
		assertThat(this.transport.log).containsExactly("a");
		this.transport.complete(null);
		assertThat(this.transport.log).containsExactly("a", "ping");
		this.queue.ping();
		this.transport.complete(null);
		assertThat(this.transport.log).containsExactly("a", "ping", "b");
		this.transport.complete(null);
		this.queue.ping();
		assertThat(this.transport.log).containsExactly("a", "ping", "b", "ping");
		assertThat(this.transport.pings).isEqualTo(2);
	}

	static final class ManualTransport implements Transport {

		final List<String> started = new ArrayList<>();

		/** Texts and pings, in the order they started. */
		final List<String> log = new ArrayList<>();

		boolean pingsComplete = true;

		final List<SendCallback> pending = new ArrayList<>();

		int pings;

		boolean completeImmediately;

		@Nullable CloseStatus closed;

		@Override
		public void sendText(String text, SendCallback callback) {
			this.started.add(text);
			this.log.add(text);
			if (this.completeImmediately) {
				callback.completed(null);
			}
			else {
				this.pending.add(callback);
			}
		}

		@Override
		public void sendPing(SendCallback callback) {
			this.pings++;
			this.log.add("ping");
			if (this.pingsComplete) {
				callback.completed(null);
			}
			else {
				this.pending.add(callback);
			}
		}

		@Override
		public void close(CloseStatus status) {
			this.closed = status;
		}

		void complete(@Nullable Throwable failure) {
			this.pending.remove(0).completed(failure);
		}

	}

}
