package dev.ambiorix.spring.recovery;

/**
 * Where an entry stands in a history: a stream entry id ({@code <ms>-<n>}), or a sequence
 * number with {@code low} 0.
 *
 * @param high the milliseconds of a stream id, or the sequence number
 * @param low the number within the millisecond
 */
public record Position(long high, long low) implements Comparable<Position> {

	/** Before every entry. */
	public static final Position ZERO = new Position(0, 0);

	/**
	 * Read a Redis stream entry id.
	 * @param id the id, {@code <ms>-<n>}
	 * @return the position
	 */
	public static Position parse(String id) {
		int dash = id.indexOf('-');
		if (dash < 0) {
			return new Position(Long.parseLong(id), 0);
		}
		return new Position(Long.parseLong(id.substring(0, dash)), Long.parseLong(id.substring(dash + 1)));
	}

	@Override
	public int compareTo(Position other) {
		int high = Long.compare(this.high, other.high);
		return (high != 0) ? high : Long.compareUnsigned(this.low, other.low);
	}

	@Override
	public String toString() {
		return this.high + "-" + Long.toUnsignedString(this.low);
	}

}
