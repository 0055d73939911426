package dev.ambiorix.spring.session;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send is reported to the outbound queue exactly once, however often the container
 * reports it, so the queue never starts two writes at once.
 */
class ExactlyOnceCallbackTest {

	private final List<Optional<Throwable>> reports = new CopyOnWriteArrayList<>();

	private final Transport.SendCallback queue = (failure) -> this.reports.add(Optional.ofNullable(failure));

	@Test
	void onlyTheFirstCompletionIsPassedOn() {
		ExactlyOnceCallback callback = new ExactlyOnceCallback(this.queue);
		callback.completed(null);
		callback.completed(new IOException("closed"));
		assertThat(this.reports).containsExactly(Optional.empty());
	}

	@Test
	void completionsRacingOnManyThreadsArePassedOnOnce() throws Exception {
		ExecutorService threads = Executors.newFixedThreadPool(8);
		try {
			for (int round = 0; round < 200; round++) {
				this.reports.clear();
				ExactlyOnceCallback callback = new ExactlyOnceCallback(this.queue);
				CountDownLatch start = new CountDownLatch(1);
				CountDownLatch done = new CountDownLatch(8);
				for (int i = 0; i < 8; i++) {
					threads.execute(() -> {
						try {
							start.await();
							callback.completed(null);
						}
						catch (InterruptedException ex) {
							Thread.currentThread().interrupt();
						}
						finally {
							done.countDown();
						}
					});
				}
				start.countDown();
				assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
				assertThat(this.reports).hasSize(1);
			}
		}
		finally {
			threads.shutdownNow();
		}
	}

	@Test
	void tomcatReportingASendFromTheFailedWriteAndFromTheCloseIsPassedOnOnce() {
		// Tomcat's WsRemoteEndpointImplServer hands its handler to whichever of the
		// write's
		// completion and the connection's close reads it first, without a guard.
		TomcatTransport.Completion completion = new TomcatTransport.Completion(this.queue);
		IOException writeFailed = new IOException("broken pipe");
		completion.onResult(new SendResult(null, writeFailed));
		completion.onResult(new SendResult(null, new IOException("EOF on close")));
		completion.onResult(new SendResult((Session) null));
		assertThat(this.reports).containsExactly(Optional.of(writeFailed));
	}

	@Test
	void tomcatSendThatCompletesAndThenThrowsIsPassedOnOnce() {
		TomcatTransport.Completion completion = new TomcatTransport.Completion(this.queue);
		completion.onResult(new SendResult((Session) null));
		// What TomcatTransport.sendText does when the container's call throws afterwards.
		completion.completed(new IllegalStateException("closed"));
		assertThat(this.reports).containsExactly(Optional.empty());
	}

}
