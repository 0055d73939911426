package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.protocol.Envelope;
import dev.ambiorix.spring.session.ClientConnection;

/**
 * What a handler invocation can draw its arguments from.
 *
 * @param client the sender
 * @param clients all clients
 * @param envelope the envelope being handled
 */
public record InvocationContext(ClientConnection client, WebSocketClients clients, Envelope envelope) {

}
