package dev.ambiorix.spring.event;

import dev.ambiorix.spring.Member;

/**
 * Published when a member leaves a group: on the client's own node when it leaves or
 * closes, and on every other node when its node is lost (stopped heartbeating) with the
 * client still in the group.
 *
 * @param group the group
 * @param member the member, with its last presence
 * @param nodeLost {@code true} when the member's node was lost rather than the client
 * leaving
 */
public record MemberLeftEvent(String group, Member member, boolean nodeLost) {

}
