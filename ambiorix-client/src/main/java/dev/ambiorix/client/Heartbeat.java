package dev.ambiorix.client;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Finds a connection that went silent without a close, as one does when the server's
 * machine or the network between vanishes: after {@code interval} without any frame from
 * the server it sends a ping, and when nothing at all comes back within {@code timeout}
 * the connection is dead. The same rule as {@code ambiorix.js}'s heartbeat, with a
 * WebSocket ping where a browser has to send an envelope.
 */
final class Heartbeat {

	private final Duration interval;

	private final Duration timeout;

	private volatile long lastHeard = System.nanoTime();

	/** When the unanswered ping went out, or 0; the timer thread alone uses it. */
	private long probeSentAt;

	private @Nullable ScheduledFuture<?> task;

	/**
	 * Create the heartbeat of one connection.
	 * @param interval silence before a ping; {@link Duration#ZERO} for no heartbeat
	 * @param timeout silence after the ping before the connection is dead
	 */
	Heartbeat(Duration interval, Duration timeout) {
		this.interval = interval;
		this.timeout = timeout;
	}

	/**
	 * Something came from the server: a frame of any kind.
	 */
	void heard() {
		this.lastHeard = System.nanoTime();
	}

	/**
	 * Watch an open connection.
	 * @param scheduler the client's timer
	 * @param socket the connection
	 * @param dead what to do with a connection found dead
	 */
	synchronized void start(ScheduledExecutorService scheduler, WebSocket socket, Consumer<WebSocket> dead) {
		heard();
		if (this.interval.isZero()) {
			return;
		}
		// A quarter of the shorter period: a dead connection is found at most that late.
		long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50),
				Math.min(this.interval.toNanos(), this.timeout.toNanos()) / 4);
		this.task = scheduler.scheduleWithFixedDelay(() -> check(socket, dead), period, period, TimeUnit.NANOSECONDS);
	}

	synchronized void stop() {
		ScheduledFuture<?> task = this.task;
		if (task != null) {
			task.cancel(false);
			this.task = null;
		}
	}

	private void check(WebSocket socket, Consumer<WebSocket> dead) {
		if (socket.isInputClosed()) {
			// Closed and reported already: nothing left to watch.
			stop();
			return;
		}
		long now = System.nanoTime();
		long lastHeard = this.lastHeard;
		if (this.probeSentAt != 0 && lastHeard - this.probeSentAt >= 0) {
			this.probeSentAt = 0;
		}
		if (this.probeSentAt == 0) {
			if (now - lastHeard >= this.interval.toNanos()) {
				this.probeSentAt = now;
				socket.sendPing(ByteBuffer.allocate(0));
			}
		}
		else if (now - this.probeSentAt >= this.timeout.toNanos()) {
			stop();
			dead.accept(socket);
		}
	}

}
