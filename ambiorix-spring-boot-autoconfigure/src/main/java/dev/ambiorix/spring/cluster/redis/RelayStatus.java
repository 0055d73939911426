package dev.ambiorix.spring.cluster.redis;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Whether Redis answers, as the relay and presence last saw it. A failure that lasts less
 * than a grace period (a dropped connection that reconnects at once) is no outage; an
 * outage is logged once when it starts and once when it ends.
 */
final class RelayStatus {

	private static final Log logger = LogFactory.getLog(RelayStatus.class);

	private static final long GRACE_NANOS = Duration.ofSeconds(1).toNanos();

	private long failingSinceNanos;

	private boolean failing;

	private boolean down;

	synchronized void failed(Exception ex) {
		long now = System.nanoTime();
		if (!this.failing) {
			this.failing = true;
			this.failingSinceNanos = now;
		}
		if (!this.down && now - this.failingSinceNanos >= GRACE_NANOS) {
			this.down = true;
			logger.warn("Ambiorix cluster relay is DOWN, Redis is unreachable; local delivery goes on, envelopes for "
					+ "other nodes wait: " + ex);
		}
	}

	synchronized void succeeded() {
		this.failing = false;
		if (this.down) {
			this.down = false;
			logger.info("Ambiorix cluster relay is back up, Redis answers again");
		}
	}

	synchronized boolean isUp() {
		return !this.down;
	}

}
