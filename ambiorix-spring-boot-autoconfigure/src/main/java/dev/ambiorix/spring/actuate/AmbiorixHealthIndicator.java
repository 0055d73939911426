package dev.ambiorix.spring.actuate;

import java.util.List;

import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.session.NodeHealth;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationContextAware;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

/**
 * The {@code ambiorix} health: UP with the number of clients; DOWN, with the reason,
 * while a {@link NodeHealth} (the cluster relay, say) reports one; OUT_OF_SERVICE once
 * the application is shutting down.
 */
final class AmbiorixHealthIndicator
		implements HealthIndicator, ApplicationListener<ContextClosedEvent>, ApplicationContextAware {

	private final LocalClients clients;

	private final List<NodeHealth> parts;

	private volatile boolean shuttingDown;

	private @Nullable ApplicationContext context;

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
	public void setApplicationContext(ApplicationContext context) {
		this.context = context;
	}

	/**
	 * Only our own context's close counts: a child context (a management context, say)
	 * may close while the application runs on.
	 */
	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		if (this.context == null || event.getApplicationContext() == this.context) {
			this.shuttingDown = true;
		}
	}

}
