package dev.ambiorix.spring.recovery;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Positions in a history of several lanes (the relay's streams).
 */
class CursorTest {

	private static HistoryEntry entry(int lane, String id) {
		return new HistoryEntry("node", 1, lane, Position.parse(id), 'a', "", null, "{}");
	}

	@Test
	void anEntryIsAfterTheCursorByItsOwnLaneOnly() {
		Cursor cursor = Cursor.parse("1000-5,2000-0");
		assertThat(cursor.isBefore(entry(0, "1000-6"))).isTrue();
		assertThat(cursor.isBefore(entry(0, "1000-5"))).isFalse();
		// Lane 1's clock is ahead: an id later than lane 0's position is not enough.
		assertThat(cursor.isBefore(entry(1, "1500-0"))).isFalse();
		assertThat(cursor.isBefore(entry(1, "2000-1"))).isTrue();
		// A lane the cursor never saw is at its start.
		assertThat(cursor.isBefore(entry(2, "1-0"))).isTrue();
	}

	@Test
	void aRecordWrittenWithOneStreamIdReadsAsACursorOfOneLane() {
		Cursor cursor = Cursor.parse("1764225600000-3");
		assertThat(cursor).isEqualTo(Cursor.of(new Position(1764225600000L, 3)));
		assertThat(cursor.toString()).isEqualTo("1764225600000-3");
		assertThat(Cursor.parse(Cursor.parse("1-2,3-4,0-0").toString())).isEqualTo(Cursor.parse("1-2,3-4,0-0"));
		assertThat(Cursor.parse(Cursor.ZERO.toString()).in(5)).isEqualTo(Position.ZERO);
	}

}
