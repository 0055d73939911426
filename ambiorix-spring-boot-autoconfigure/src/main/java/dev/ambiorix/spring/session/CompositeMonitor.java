package dev.ambiorix.spring.session;

import java.util.List;

import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.protocol.ErrorCode;
import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Several monitors told of everything in turn.
 */
final class CompositeMonitor implements AmbiorixMonitor {

	private final List<AmbiorixMonitor> monitors;

	CompositeMonitor(List<AmbiorixMonitor> monitors) {
		this.monitors = monitors;
	}

	@Override
	public void connected(ClientConnection client) {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.connected(client);
		}
	}

	@Override
	public void closed(ClientConnection client, CloseStatus status) {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.closed(client, status);
		}
	}

	@Override
	public void handled(String name) {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.handled(name);
		}
	}

	@Override
	public void ignored() {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.ignored();
		}
	}

	@Override
	public void rejected(@Nullable String name, ErrorCode code) {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.rejected(name, code);
		}
	}

	@Override
	public void outbound(String frame, int bytes, boolean queued) {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.outbound(frame, bytes, queued);
		}
	}

	@Override
	public void dropped(ClientConnection client, DropReason reason) {
		for (AmbiorixMonitor monitor : this.monitors) {
			monitor.dropped(client, reason);
		}
	}

	@Override
	public @Nullable Object observe(String name, Envelope envelope, HandlerCall call) throws Throwable {
		return observe(0, name, envelope, call);
	}

	private @Nullable Object observe(int index, String name, Envelope envelope, HandlerCall call) throws Throwable {
		if (index == this.monitors.size()) {
			return call.call();
		}
		return this.monitors.get(index).observe(name, envelope, () -> observe(index + 1, name, envelope, call));
	}

}
