package dev.ambiorix.spring.recovery;

import java.util.Iterator;
import java.util.Set;

/**
 * A history read from its newest entry back, every lane at once; a lane the reader is
 * done with can be left out of what follows.
 */
public interface History extends Iterator<HistoryEntry> {

	/**
	 * Read no further back in a lane: the entries still to come are of the other lanes.
	 * @param lane the lane
	 */
	void stop(int lane);

	/**
	 * Return the lanes read back to their oldest entry without being stopped.
	 * @return the lanes, so far
	 */
	Set<Integer> readToStart();

}
