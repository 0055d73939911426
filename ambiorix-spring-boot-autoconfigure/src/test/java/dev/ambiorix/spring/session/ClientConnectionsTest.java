package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The closes of many stuck clients at once run on a bounded number of threads, and none
 * of them is lost.
 */
class ClientConnectionsTest {

	@Test
	void manyBlockingClosesAtOnceUseABoundedNumberOfThreadsAndAllRun() throws Exception {
		ClientConnections connections = new ClientConnections(new LocalClients(),
				new EnvelopeWriter(JsonMapper.builder().build()), new OutboundLimits(1000, Duration.ofSeconds(1)));
		try {
			int tasks = 1000;
			Set<Thread> threads = ConcurrentHashMap.newKeySet();
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch done = new CountDownLatch(tasks);
			for (int i = 0; i < tasks; i++) {
				// Like a close that blocks on a client that stopped reading.
				connections.closer().execute(() -> {
					threads.add(Thread.currentThread());
					try {
						release.await(10, TimeUnit.SECONDS);
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
					done.countDown();
				});
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> threads.size() == ClientConnections.CLOSE_THREADS);
			release.countDown();
			assertThat(done.await(10, TimeUnit.SECONDS)).as("every task ran").isTrue();
			assertThat(threads).hasSize(ClientConnections.CLOSE_THREADS);
		}
		finally {
			connections.destroy();
		}
	}

}
