package dev.ambiorix.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * Records the connection events a client reports.
 */
class RecordingListener implements ConnectionListener {

	final AtomicInteger opens = new AtomicInteger();

	final List<Integer> closeCodes = new CopyOnWriteArrayList<>();

	final List<Duration> reconnectDelays = new CopyOnWriteArrayList<>();

	final List<Throwable> errors = new CopyOnWriteArrayList<>();

	/** {@code true}, or the reason recovery failed. */
	final List<String> recoveries = new CopyOnWriteArrayList<>();

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
	public void onRecovered(boolean recovered, @Nullable String reason) {
		this.recoveries.add(recovered ? "true" : String.valueOf(reason));
	}

	@Override
	public void onError(Throwable error) {
		this.errors.add(error);
	}

}
