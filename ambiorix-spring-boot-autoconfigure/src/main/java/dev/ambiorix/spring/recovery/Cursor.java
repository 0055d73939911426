package dev.ambiorix.spring.recovery;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where a node stands in a history of one or more lanes (the relay's streams): one
 * position per lane. An entry is after the cursor when it stands after the cursor's
 * position in its own lane; positions of two lanes are never compared, since each lane
 * may be numbered by another clock (another Redis shard).
 *
 * @param lanes the position in each lane, by index; a lane beyond the list is at
 * {@link Position#ZERO}
 */
public record Cursor(List<Position> lanes) {

	/** Before every entry of every lane. */
	public static final Cursor ZERO = new Cursor(List.of());

	public Cursor {
		lanes = List.copyOf(lanes);
	}

	/**
	 * A cursor with the given positions, lane 0 first.
	 * @param positions the positions
	 * @return the cursor
	 */
	public static Cursor of(Position... positions) {
		return new Cursor(List.of(positions));
	}

	/**
	 * A cursor from the positions of some lanes, the others taken from another cursor.
	 * @param positions the positions of some lanes
	 * @param others where the other lanes stand
	 * @return the cursor
	 */
	static Cursor of(Map<Integer, Position> positions, Cursor others) {
		int size = Math.max(others.lanes.size(),
				positions.keySet().stream().mapToInt((lane) -> lane + 1).max().orElse(0));
		List<Position> lanes = new ArrayList<>(size);
		for (int lane = 0; lane < size; lane++) {
			lanes.add(positions.getOrDefault(lane, others.in(lane)));
		}
		return new Cursor(lanes);
	}

	/**
	 * Return the position in one lane.
	 * @param lane the lane
	 * @return its position
	 */
	public Position in(int lane) {
		return (lane >= 0 && lane < this.lanes.size()) ? this.lanes.get(lane) : Position.ZERO;
	}

	/**
	 * Return whether an entry stands after this cursor in its lane.
	 * @param entry the entry
	 * @return {@code true} if it is after
	 */
	public boolean isBefore(HistoryEntry entry) {
		return entry.position().compareTo(in(entry.lane())) > 0;
	}

	/**
	 * Read a cursor written by {@link #toString()}: positions separated by commas, lane 0
	 * first (one position alone is the form of a history with one lane).
	 * @param text the text
	 * @return the cursor
	 */
	public static Cursor parse(String text) {
		List<Position> lanes = new ArrayList<>();
		for (String position : text.split(",")) {
			lanes.add(Position.parse(position.trim()));
		}
		return new Cursor(lanes);
	}

	@Override
	public String toString() {
		return this.lanes.isEmpty() ? Position.ZERO.toString()
				: this.lanes.stream().map(Position::toString).collect(Collectors.joining(","));
	}

}
