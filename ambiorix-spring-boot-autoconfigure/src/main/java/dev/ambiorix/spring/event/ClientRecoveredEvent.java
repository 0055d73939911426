package dev.ambiorix.spring.event;

import dev.ambiorix.spring.WebSocketClient;

/**
 * Published when a client that asked for recovery came back within the recovery window
 * and was given back its id, groups and presence, after everything it missed was queued
 * to it.
 * <p>
 * The new connection was announced by a {@link ClientConnectedEvent} under a provisional
 * id before its {@code ambiorix:hello} arrived; that id is gone now, without a
 * {@link ClientDisconnectedEvent}. The earlier connection of the client had its
 * {@link ClientDisconnectedEvent} when it closed.
 *
 * @param client the client, with its original id
 * @param provisionalId the id the new connection had until it recovered
 */
public record ClientRecoveredEvent(WebSocketClient client, String provisionalId) {

}
