/**
 * Nothing lost across a reconnect: the {@code ambiorix:hello} exchange, numbered frames,
 * the history they are replayed from and the sessions of clients that are away.
 */
@NullMarked
package dev.ambiorix.spring.recovery;

import org.jspecify.annotations.NullMarked;
