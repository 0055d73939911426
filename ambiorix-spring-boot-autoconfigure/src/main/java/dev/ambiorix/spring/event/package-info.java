/**
 * Application events for the connection lifecycle, for {@code @EventListener} methods.
 */
@NullMarked
package dev.ambiorix.spring.event;

import org.jspecify.annotations.NullMarked;
