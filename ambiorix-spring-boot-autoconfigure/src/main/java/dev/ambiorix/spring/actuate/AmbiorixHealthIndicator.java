package dev.ambiorix.spring.actuate;

import java.util.List;

import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.NodeHealth;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The {@code ambiorix} health: UP with the number of clients; DOWN, with the reason,
 * while a {@link NodeHealth} (the cluster relay, say) reports one; OUT_OF_SERVICE once
 * the application is shutting down.
 */
public final class AmbiorixHealthIndicator implements HealthIndicator, ApplicationListener<ContextClosedEvent> {

	private final LocalClients clients;

	private final List<NodeHealth> parts;

	private volatile boolean shuttingDown;

	/**
	 * Create the indicator.
	 * @param clients this node's clients
	 * @param parts the parts of this node that can be down
	 */
	public AmbiorixHealthIndicator(LocalClients clients, List<NodeHealth> parts) {
		this.clients = clients;
		this.parts = List.copyOf(parts);
	}

	@Override
	public Health health() {
		if (this.shuttingDown) {
			return Health.outOfService().withDetail("reason", "shutting down").build();
		}
		for (NodeHealth part : this.parts) {
			String reason = part.downReason();
			if (reason != null) {
				return Health.down().withDetail("reason", reason).withDetail("clients", this.clients.count()).build();
			}
		}
		return Health.up().withDetail("clients", this.clients.count()).build();
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.shuttingDown = true;
	}

}
