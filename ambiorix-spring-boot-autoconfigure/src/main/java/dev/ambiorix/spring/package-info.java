/**
 * Named-message WebSockets for Spring: {@link dev.ambiorix.spring.Receive @Receive}
 * handlers, the sending {@link dev.ambiorix.spring.WebSocketClient} and all
 * {@link dev.ambiorix.spring.WebSocketClients}.
 */
@NullMarked
package dev.ambiorix.spring;

import org.jspecify.annotations.NullMarked;
