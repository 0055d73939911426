package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The queue under real concurrency: several producers, completions on other threads (and
 * sometimes on the sending one), and a termination racing them.
 */
class OutboundQueueConcurrencyTest {

	private static final int PRODUCERS = 4;

	private final ExecutorService completers = Executors.newFixedThreadPool(2);

	@AfterEach
	void stop() throws InterruptedException {
		this.completers.shutdownNow();
		assertThat(this.completers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void everyFrameOfEveryProducerIsSentOnceInItsOrderOneAtATime() throws Exception {
		int perProducer = 20_000;
		ThreadedTransport transport = new ThreadedTransport(this.completers);
		List<CloseStatus> terminated = new CopyOnWriteArrayList<>();
		OutboundQueue queue = new OutboundQueue(transport, Long.MAX_VALUE, Long.MAX_VALUE, terminated::add);
		runProducers(queue, perProducer);
		transport.awaitSent(PRODUCERS * perProducer);
		assertThat(terminated).isEmpty();
		assertThat(transport.concurrentSends).as("sends in flight at once").hasValue(0);
		Map<Integer, List<Integer>> byProducer = transport.byProducer();
		for (int p = 0; p < PRODUCERS; p++) {
			assertThat(byProducer.get(p)).as("producer %d", p).hasSize(perProducer).isSorted();
			assertThat(byProducer.get(p).get(perProducer - 1)).isEqualTo(perProducer - 1);
		}
	}

	@RepeatedTest(20)
	void aTerminationRacingProducersAndCompletionsLosesNothingBeforeItAndSendsNothingAfterIt() throws Exception {
		ThreadedTransport transport = new ThreadedTransport(this.completers);
		OutboundQueue queue = new OutboundQueue(transport, Long.MAX_VALUE, Long.MAX_VALUE, (status) -> {
		});
		Thread terminator = new Thread(() -> {
			LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(2_000_000));
			assertThat(queue.discard()).isTrue();
			transport.terminatedAt.set(transport.started.get());
		});
		terminator.start();
		Map<Integer, Integer> accepted = runProducers(queue, 50_000);
		terminator.join(5000);
		// Let any send in flight complete: nothing may follow it.
		transport.awaitQuiet();
		int startedAfter = transport.started.get() - transport.terminatedAt.get();
		assertThat(startedAfter).as("sends started after the termination (at most the one already taken)")
			.isLessThanOrEqualTo(1);
		assertThat(queue.offer("late")).isFalse();
		assertThat(transport.concurrentSends).hasValue(0);
		Map<Integer, List<Integer>> byProducer = transport.byProducer();
		for (int p = 0; p < PRODUCERS; p++) {
			List<Integer> sent = byProducer.getOrDefault(p, List.of());
			// A prefix of what was accepted: in order, no gap, nothing invented.
			for (int i = 0; i < sent.size(); i++) {
				assertThat(sent.get(i)).as("producer %d, frame %d", p, i).isEqualTo(i);
			}
			assertThat(sent.size()).isLessThanOrEqualTo(accepted.get(p));
		}
	}

	/**
	 * Run the producers until each has offered {@code perProducer} frames or one is
	 * refused.
	 * @return how many frames each producer had accepted
	 */
	private static Map<Integer, Integer> runProducers(OutboundQueue queue, int perProducer)
			throws InterruptedException {
		Map<Integer, Integer> accepted = new ConcurrentHashMap<>();
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int p = 0; p < PRODUCERS; p++) {
			int producer = p;
			Thread thread = new Thread(() -> {
				try {
					start.await();
				}
				catch (InterruptedException ex) {
					return;
				}
				int i = 0;
				while (i < perProducer && queue.offer(producer + ":" + i)) {
					i++;
				}
				accepted.put(producer, i);
			}, "producer-" + p);
			thread.start();
			threads.add(thread);
		}
		start.countDown();
		for (Thread thread : threads) {
			thread.join(30_000);
			assertThat(thread.isAlive()).isFalse();
		}
		return accepted;
	}

	/**
	 * Completes each send on the calling thread or on another, at random, and checks that
	 * no two are ever in flight at once.
	 */
	static final class ThreadedTransport implements Transport {

		private final ExecutorService completers;

		private final List<String> sent = new CopyOnWriteArrayList<>();

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicInteger pendingCompletions = new AtomicInteger();

		/** Counts the times two sends were in flight at once: must stay zero. */
		final AtomicInteger concurrentSends = new AtomicInteger();

		final AtomicInteger started = new AtomicInteger();

		final AtomicInteger terminatedAt = new AtomicInteger(Integer.MAX_VALUE);

		ThreadedTransport(ExecutorService completers) {
			this.completers = completers;
		}

		@Override
		public void sendText(String text, SendCallback callback) {
			if (this.inFlight.incrementAndGet() != 1) {
				this.concurrentSends.incrementAndGet();
			}
			this.started.incrementAndGet();
			this.sent.add(text);
			if (ThreadLocalRandom.current().nextBoolean()) {
				this.inFlight.decrementAndGet();
				callback.completed(null);
				return;
			}
			this.pendingCompletions.incrementAndGet();
			this.completers.execute(() -> {
				this.inFlight.decrementAndGet();
				this.pendingCompletions.decrementAndGet();
				callback.completed(null);
			});
		}

		@Override
		public void sendPing(SendCallback callback) {
			callback.completed(null);
		}

		@Override
		public void close(CloseStatus status) {
		}

		void awaitSent(int count) {
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.sent.size() == count && this.pendingCompletions.get() == 0);
		}

		void awaitQuiet() {
			await().atMost(Duration.ofSeconds(10))
				.until(() -> this.pendingCompletions.get() == 0 && this.inFlight.get() == 0);
		}

		Map<Integer, List<Integer>> byProducer() {
			Map<Integer, List<Integer>> byProducer = new ConcurrentHashMap<>();
			for (String frame : this.sent) {
				int colon = frame.indexOf(':');
				byProducer.computeIfAbsent(Integer.parseInt(frame.substring(0, colon)), (p) -> new ArrayList<>())
					.add(Integer.parseInt(frame.substring(colon + 1)));
			}
			return byProducer;
		}

	}

}
