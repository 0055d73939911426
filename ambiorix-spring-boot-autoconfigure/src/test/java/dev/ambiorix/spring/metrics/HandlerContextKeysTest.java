package dev.ambiorix.spring.metrics;

import dev.ambiorix.spring.protocol.Envelope;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import tools.jackson.databind.node.NullNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A handler context hands out the convention's keys without sorting them anew, and
 * exactly the keys it holds after any change.
 */
class HandlerContextKeysTest {

	private static final KeyValues CONVENTION = KeyValues.of("messaging.system", "ambiorix",
			"messaging.destination.name", "chat");

	@Test
	void theConventionsKeysAreHandedOutAsTheyCameAndStaySoWhenAddedAgain() {
		HandlerObservations.HandlerContext context = context();
		context.addLowCardinalityKeyValues(CONVENTION);
		assertThat(context.lowCardinalityKeys()).isSameAs(CONVENTION);
		context.addLowCardinalityKeyValues(CONVENTION);
		context.addLowCardinalityKeyValues(KeyValues.empty());
		context.addLowCardinalityKeyValue(KeyValue.of("messaging.system", "ambiorix"));
		assertThat(context.lowCardinalityKeys()).isSameAs(CONVENTION);
	}

	@Test
	void anAddedKeyIsHandedOut() {
		HandlerObservations.HandlerContext context = context();
		context.addLowCardinalityKeyValues(CONVENTION);
		context.addLowCardinalityKeyValues(KeyValues.of("region", "eu"));
		assertThat(context.lowCardinalityKeys()).isEqualTo(CONVENTION.and("region", "eu"));
	}

	@Test
	void aChangedValueIsHandedOut() {
		HandlerObservations.HandlerContext context = context();
		context.addLowCardinalityKeyValues(CONVENTION);
		context.addLowCardinalityKeyValue(KeyValue.of("messaging.destination.name", "other"));
		assertThat(context.lowCardinalityKeys())
			.isEqualTo(KeyValues.of("messaging.system", "ambiorix", "messaging.destination.name", "other"));
		context.addLowCardinalityKeyValues(CONVENTION);
		assertThat(context.lowCardinalityKeys()).isEqualTo(CONVENTION);
	}

	@Test
	void aRemovedKeyIsGone() {
		HandlerObservations.HandlerContext context = context();
		context.addLowCardinalityKeyValues(CONVENTION);
		context.removeLowCardinalityKeyValue("messaging.system");
		assertThat(context.lowCardinalityKeys()).isEqualTo(KeyValues.of("messaging.destination.name", "chat"));
		context.addLowCardinalityKeyValues(CONVENTION);
		context.removeLowCardinalityKeyValues("messaging.destination.name");
		assertThat(context.lowCardinalityKeys()).isEqualTo(KeyValues.of("messaging.system", "ambiorix"));
	}

	@Test
	void keysAddedOneByOneBeforeTheConventionsAreKept() {
		HandlerObservations.HandlerContext context = context();
		context.addLowCardinalityKeyValue(KeyValue.of("region", "eu"));
		context.addLowCardinalityKeyValues(CONVENTION);
		assertThat(context.lowCardinalityKeys()).isEqualTo(CONVENTION.and("region", "eu"));
	}

	private static HandlerObservations.HandlerContext context() {
		return new HandlerObservations.HandlerContext("chat", new Envelope("chat", NullNode.getInstance(), null));
	}

}
