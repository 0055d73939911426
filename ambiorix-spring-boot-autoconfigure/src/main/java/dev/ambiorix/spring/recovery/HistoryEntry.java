package dev.ambiorix.spring.recovery;

import org.jspecify.annotations.Nullable;

/**
 * One numbered envelope as a history keeps it.
 *
 * @param origin the node that numbered it
 * @param sequence its number on that node
 * @param lane the lane of the history it is in (a relay stream), from 0
 * @param position where it stands in its lane
 * @param kind {@code 'a'} everyone, {@code 'g'} a group, {@code 'u'} a user, {@code 'c'}
 * one client
 * @param target the group, user or client id; empty for everyone
 * @param exceptId a client that was skipped, or {@code null}
 * @param frame the frame with its offset
 */
public record HistoryEntry(String origin, long sequence, int lane, Position position, char kind, String target,
		@Nullable String exceptId, String frame) {

}
