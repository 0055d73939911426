package dev.ambiorix.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records the connection events a client reports.
 */
class RecordingListener implements ConnectionListener {

	final AtomicInteger opens = new AtomicInteger();

	final List<Integer> closeCodes = new CopyOnWriteArrayList<>();

	final List<Duration> reconnectDelays = new CopyOnWriteArrayList<>();

	final List<Throwable> errors = new CopyOnWriteArrayList<>();

	@Override
	public void onOpen(AmbiorixClient client) {
		this.opens.incrementAndGet();
	}

	@Override
	public void onClose(int code, String reason) {
		this.closeCodes.add(code);
	}

	@Override
	public void onReconnect(int attempt, Duration delay) {
		this.reconnectDelays.add(delay);
	}

	@Override
	public void onError(Throwable error) {
		this.errors.add(error);
	}

}
