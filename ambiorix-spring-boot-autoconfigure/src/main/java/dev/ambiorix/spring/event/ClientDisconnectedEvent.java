package dev.ambiorix.spring.event;

import dev.ambiorix.spring.WebSocketClient;

import org.springframework.web.socket.CloseStatus;

/**
 * Published once when a client's connection has closed, for whatever reason. By then the
 * client has left {@link dev.ambiorix.spring.WebSocketClients}.
 *
 * @param client the client that left
 * @param status the close status: the client's, or the server's when it closed the
 * connection (for example 1008 for a client that stopped reading)
 */
public record ClientDisconnectedEvent(WebSocketClient client, CloseStatus status) {

}
