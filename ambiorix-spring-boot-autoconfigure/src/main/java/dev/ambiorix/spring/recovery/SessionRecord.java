package dev.ambiorix.spring.recovery;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a recovery needs of a client that is away: who it was, where it was, and what it
 * had been sent.
 *
 * @param token the secret the client presents to recover
 * @param clientId the client's id
 * @param user the handshake user's name, or {@code null}
 * @param groups its groups
 * @param presence its presence, or {@code null}
 * @param at the history position, in each lane, up to which everything for the client had
 * reached its outbound queue when this record was taken
 * @param queued the highest number queued to the client, per origin node
 * @param first the first number queued to the client, per origin node
 * @param validUntil until when (epoch milliseconds) the client may recover
 * @param generation how many connections the session has had; a record of an older one
 * never replaces it
 */
public record SessionRecord(String token, String clientId, @Nullable String user, Set<String> groups,
		@Nullable JsonNode presence, Cursor at, Map<String, Long> queued, Map<String, Long> first, long validUntil,
		long generation) {

	private static final JsonMapper json = JsonMapper.builder().build();

	/**
	 * Write the record as JSON.
	 * @return the JSON text
	 */
	public String toJson() {
		ObjectNode node = json.createObjectNode();
		node.put("t", this.token);
		node.put("c", this.clientId);
		if (this.user != null) {
			node.put("u", this.user);
		}
		this.groups.forEach(node.putArray("g")::add);
		if (this.presence != null) {
			node.set("p", this.presence);
		}
		node.put("at", this.at.toString());
		ObjectNode queued = node.putObject("q");
		this.queued.forEach(queued::put);
		ObjectNode first = node.putObject("f");
		this.first.forEach(first::put);
		node.put("v", this.validUntil);
		node.put("n", this.generation);
		return json.writeValueAsString(node);
	}

	/**
	 * Read a record written by {@link #toJson()}.
	 * @param text the JSON text
	 * @return the record
	 */
	public static SessionRecord fromJson(String text) {
		JsonNode node = json.readTree(text);
		Set<String> groups = new LinkedHashSet<>();
		node.path("g").forEach((group) -> groups.add(group.stringValue()));
		JsonNode user = node.get("u");
		JsonNode presence = node.get("p");
		return new SessionRecord(node.get("t").stringValue(), node.get("c").stringValue(),
				(user != null) ? user.stringValue() : null, groups, presence,
				Cursor.parse(node.get("at").stringValue()), numbers(node.path("q")), numbers(node.path("f")),
				node.get("v").longValue(), node.get("n").longValue());
	}

	private static Map<String, Long> numbers(JsonNode object) {
		Map<String, Long> numbers = new HashMap<>();
		object.properties().forEach((entry) -> numbers.put(entry.getKey(), entry.getValue().longValue()));
		return numbers;
	}

}
