package dev.ambiorix.spring.metrics;

import dev.ambiorix.spring.protocol.Envelope;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.NullNode;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;

/**
 * An application's convention replaces the default keys of a handler call's observation.
 */
class HandlerObservationConventionTest {

	private final TestObservationRegistry registry = TestObservationRegistry.create();

	@Test
	void applicationConventionAddsItsOwnKeys() throws Throwable {
		HandlerObservationConvention convention = new DefaultHandlerObservationConvention() {

			@Override
			public KeyValues getLowCardinalityKeyValues(HandlerObservations.HandlerContext context) {
				return super.getLowCardinalityKeyValues(context).and("team", "chat");
			}

		};
		new HandlerObservations(this.registry, convention).observe("chat",
				new Envelope("chat", NullNode.getInstance(), null), () -> "ok");
		assertThat(this.registry).hasSingleObservationThat()
			.hasNameEqualTo("ambiorix.handler")
			.hasContextualNameEqualTo("chat")
			.hasLowCardinalityKeyValue("messaging.destination.name", "chat")
			.hasLowCardinalityKeyValue("team", "chat")
			.hasBeenStopped();
	}

	@Test
	void defaultConventionWithoutOne() throws Throwable {
		new HandlerObservations(this.registry).observe("chat", new Envelope("chat", NullNode.getInstance(), null),
				() -> "ok");
		assertThat(this.registry).hasSingleObservationThat()
			.hasContextualNameEqualTo("chat")
			.hasLowCardinalityKeyValue("messaging.system", "ambiorix")
			.hasLowCardinalityKeyValue("messaging.operation", "process")
			.doesNotHaveLowCardinalityKeyValue("team", "chat");
	}

}
