/**
 * Application events for the connection lifecycle and group membership, for
 * {@code @EventListener} methods.
 */
@NullMarked
package dev.ambiorix.spring.event;

import org.jspecify.annotations.NullMarked;
