package dev.ambiorix.spring.event;

import dev.ambiorix.spring.WebSocketClient;

/**
 * Published when a client has connected and can be sent to.
 *
 * @param client the new client
 */
public record ClientConnectedEvent(WebSocketClient client) {

}
