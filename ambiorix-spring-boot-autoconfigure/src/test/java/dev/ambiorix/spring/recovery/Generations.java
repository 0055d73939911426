package dev.ambiorix.spring.recovery;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every store promises about generations: a save of an older generation of a session
 * never overwrites a newer one, whichever node or thread writes it.
 */
final class Generations {

	private Generations() {
	}

	static void olderNeverOverwritesNewer(RecoveryStore first, RecoveryStore second) {
		String token = "generations-" + UUID.randomUUID();
		first.save(record(token, "three", 3), Duration.ofMinutes(1));
		second.save(record(token, "two", 2), Duration.ofMinutes(1));
		assertThat(second.load(token).clientId()).isEqualTo("three");
		second.save(record(token, "three again", 3), Duration.ofMinutes(1));
		assertThat(first.load(token).clientId()).as("the same generation is written").isEqualTo("three again");
		second.save(record(token, "four", 4), Duration.ofMinutes(1));
		assertThat(first.load(token).clientId()).isEqualTo("four");
		assertThat(first.load(token).generation()).isEqualTo(4);
	}

	private static SessionRecord record(String token, String clientId, long generation) {
		return new SessionRecord(token, clientId, null, Set.of("room"), null, Cursor.ZERO, Map.of(), Map.of(),
				System.currentTimeMillis() + 60_000, generation);
	}

}
