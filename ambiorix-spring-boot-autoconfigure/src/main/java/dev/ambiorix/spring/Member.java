package dev.ambiorix.spring;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One member of a {@link ClientGroup}, as every node sees it: presence.
 *
 * @param clientId the client's id, unique across nodes, for
 * {@link WebSocketClients#send(String, String, Object)}
 * @param user the name of the user authenticated during the handshake, or {@code null}
 * @param presence the value published with {@link WebSocketClient#setPresence(Object)},
 * or {@code null} when none was
 */
public record Member(String clientId, @Nullable String user, @Nullable JsonNode presence) {

}
