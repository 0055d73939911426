package dev.ambiorix.spring.session;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;
import org.springframework.core.log.LogMessage;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.web.socket.CloseStatus;

/**
 * Watches every client on one background thread: terminates those whose send is stuck
 * past the send time limit or that have been silent past the idle timeout, pings the rest
 * so that live browsers answer, and closes everyone with 1001 on shutdown.
 */
public final class ClientSupervisor implements SmartLifecycle {

	static final CloseStatus IDLE_TIMEOUT = CloseStatus.GOING_AWAY.withReason("idle timeout");

	static final CloseStatus SHUTDOWN = CloseStatus.GOING_AWAY.withReason("server shutting down");

	/** The longest a shutdown waits for the close frames of its clients to go out. */
	static final Duration SHUTDOWN_CLOSE_WAIT = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(ClientSupervisor.class);

	private final LocalClients clients;

	private final Duration tick;

	private final long pingIntervalNanos;

	private final long idleTimeoutNanos;

	private final Object lifecycle = new Object();

	private @Nullable ScheduledExecutorService scheduler;

	private @Nullable ScheduledFuture<?> task;

	private long lastPingNanos = System.nanoTime();

	/**
	 * Create a supervisor.
	 * @param clients the clients to watch
	 * @param sendTimeLimit how long one send may take
	 * @param pingInterval how often to ping; zero disables pings
	 * @param idleTimeout how long a client may stay silent; zero disables the check
	 */
	public ClientSupervisor(LocalClients clients, Duration sendTimeLimit, Duration pingInterval, Duration idleTimeout) {
		this.clients = clients;
		this.pingIntervalNanos = pingInterval.toNanos();
		this.idleTimeoutNanos = idleTimeout.toNanos();
		this.tick = tickFor(sendTimeLimit, pingInterval);
	}

	private static Duration tickFor(Duration sendTimeLimit, Duration pingInterval) {
		Duration tick = sendTimeLimit.dividedBy(4);
		if (!pingInterval.isZero() && pingInterval.compareTo(tick) < 0) {
			tick = pingInterval;
		}
		Duration min = Duration.ofMillis(20);
		Duration max = Duration.ofSeconds(1);
		return (tick.compareTo(min) < 0) ? min : (tick.compareTo(max) > 0) ? max : tick;
	}

	@Override
	public void start() {
		synchronized (this.lifecycle) {
			if (this.scheduler != null) {
				return;
			}
			CustomizableThreadFactory threads = new CustomizableThreadFactory("ambiorix-supervisor-");
			threads.setDaemon(true);
			ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(threads);
			this.scheduler = scheduler;
			long period = this.tick.toNanos();
			this.task = scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
		}
	}

	@Override
	public void stop() {
		synchronized (this.lifecycle) {
			ScheduledExecutorService scheduler = this.scheduler;
			if (scheduler == null) {
				return;
			}
			scheduler.shutdownNow();
			this.scheduler = null;
			this.task = null;
		}
		List<ClientConnection> closing = List.copyOf(this.clients.all());
		for (ClientConnection client : closing) {
			client.terminate(SHUTDOWN);
		}
		awaitClosed(closing);
	}

	/**
	 * The closes run on the close threads: wait for their frames to go out, for a bounded
	 * time, since the web server, which stops next, would otherwise cut connections whose
	 * close had not run yet (the client then sees 1006, not 1001).
	 */
	private static void awaitClosed(List<ClientConnection> closing) {
		long deadline = System.nanoTime() + SHUTDOWN_CLOSE_WAIT.toNanos();
		for (ClientConnection client : closing) {
			while (client.session().isOpen() && System.nanoTime() < deadline) {
				if (Thread.currentThread().isInterrupted()) {
					return;
				}
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
			}
		}
	}

	@Override
	public boolean isRunning() {
		synchronized (this.lifecycle) {
			return this.scheduler != null;
		}
	}

	/**
	 * Stop before the web server does, so that clients get a close frame.
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	void check() {
		long now = System.nanoTime();
		boolean pingDue = this.pingIntervalNanos > 0 && now - this.lastPingNanos >= this.pingIntervalNanos;
		if (pingDue) {
			this.lastPingNanos = now;
		}
		for (ClientConnection client : this.clients.all()) {
			try {
				check(client, now, pingDue);
			}
			catch (RuntimeException ex) {
				// One client's failure must never stop supervision of everyone else.
				logger.warn(LogMessage.format("Supervision of client %s failed", client.id()), ex);
			}
		}
	}

	private void check(ClientConnection client, long now, boolean pingDue) {
		client.outbound().checkSendTime(now);
		if (this.idleTimeoutNanos > 0 && now - client.lastHeardNanos() > this.idleTimeoutNanos) {
			client.terminate(IDLE_TIMEOUT);
		}
		else if (pingDue) {
			client.outbound().ping();
		}
	}

}
