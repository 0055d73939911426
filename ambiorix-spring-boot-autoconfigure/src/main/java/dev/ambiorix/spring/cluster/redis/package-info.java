/**
 * Groups, users, presence and sends across nodes through one Redis
 * ({@code ambiorix.cluster.mode=redis}): a relay over a Redis Stream and presence by
 * heartbeats.
 */
@NullMarked
package dev.ambiorix.spring.cluster.redis;

import org.jspecify.annotations.NullMarked;
