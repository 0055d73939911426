package dev.ambiorix.spring.recovery;

import org.junit.jupiter.api.Test;

/**
 * The history and sessions of one node, in memory.
 */
class MemoryRecoveryStoreTest {

	@Test
	void anOlderGenerationOfASessionNeverOverwritesANewerOne() {
		MemoryRecoveryStore store = new MemoryRecoveryStore(10);
		Generations.olderNeverOverwritesNewer(store, store);
	}

}
