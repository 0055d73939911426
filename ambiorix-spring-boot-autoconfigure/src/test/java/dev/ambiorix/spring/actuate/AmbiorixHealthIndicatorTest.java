package dev.ambiorix.spring.actuate;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import dev.ambiorix.spring.session.LocalClients;
import org.junit.jupiter.api.Test;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health follows the parts of the node and its shutdown.
 */
class AmbiorixHealthIndicatorTest {

	private final AtomicReference<String> relayProblem = new AtomicReference<>();

	private final AmbiorixHealthIndicator indicator = new AmbiorixHealthIndicator(new LocalClients(),
			List.of(this.relayProblem::get));

	@Test
	void upWhileEveryPartWorks() {
		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void downWithTheReasonWhileAPartIsDownAndUpWhenItReturns() {
		this.relayProblem.set("cluster relay: connection refused");
		Health health = this.indicator.health();
		assertThat(health.getStatus()).isEqualTo(Status.DOWN);
		assertThat(health.getDetails()).containsEntry("reason", "cluster relay: connection refused");
		this.relayProblem.set(null);
		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);
	}

	@Test
	void aChildContextClosingLeavesItUp() {
		try (GenericApplicationContext parent = new GenericApplicationContext();
				GenericApplicationContext child = new GenericApplicationContext(parent)) {
			this.indicator.setApplicationContext(parent);
			this.indicator.onApplicationEvent(new ContextClosedEvent(child));
			assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);
			this.indicator.onApplicationEvent(new ContextClosedEvent(parent));
			assertThat(this.indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		}
	}

	@Test
	void outOfServiceOnceTheApplicationIsShuttingDown() {
		try (GenericApplicationContext context = new GenericApplicationContext()) {
			this.indicator.onApplicationEvent(new ContextClosedEvent(context));
		}
		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
	}

}
