package dev.ambiorix.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The client side of recovery (SPEC section 7, docs/recovery.md): a hello as the first
 * frame of every connection, the last offset received from each server node, duplicates
 * dropped, and the server's {@code ambiorix:} answers kept from handlers. Thread-safe.
 */
final class Recovery implements ConnectionHandshake {

	static final String HELLO = "ambiorix:hello";

	static final String WELCOME = "ambiorix:welcome";

	static final String RECOVERED = "ambiorix:recovered";

	private final EnvelopeCodec codec;

	private final Answers answers;

	private @Nullable String session;

	private @Nullable String clientId;

	private final Map<String, Long> offsets = new LinkedHashMap<>();

	/** Whether this connection waits for the answer to a hello with a session. */
	private boolean resuming;

	Recovery(EnvelopeCodec codec, Answers answers) {
		this.codec = codec;
		this.answers = answers;
	}

	@Override
	public synchronized void opened(Consumer<String> write) {
		if (this.session == null) {
			this.offsets.clear();
		}
		this.resuming = (this.session != null);
		StringBuilder last = new StringBuilder();
		this.offsets.forEach(
				(node, number) -> last.append((last.length() > 0) ? " " : "").append(node).append(':').append(number));
		Map<String, @Nullable Object> hello = new LinkedHashMap<>();
		hello.put("recovery", true);
		hello.put("session", this.session);
		hello.put("offset", (last.length() > 0) ? last.toString() : null);
		write.accept(this.codec.write(HELLO, hello, null));
	}

	@Override
	public synchronized boolean intercept(EnvelopeCodec.Inbound envelope) {
		String offset = envelope.offset();
		if (offset != null) {
			return duplicate(offset);
		}
		String name = envelope.name();
		if (WELCOME.equals(name)) {
			this.session = text(envelope.message(), "session");
			this.clientId = text(envelope.message(), "id");
			return true;
		}
		if (RECOVERED.equals(name)) {
			this.resuming = false;
			JsonNode recovered = envelope.message().get("recovered");
			boolean success = recovered != null && recovered.isBoolean() && recovered.booleanValue();
			if (success) {
				String id = text(envelope.message(), "id");
				if (id != null) {
					this.clientId = id;
				}
			}
			else {
				// A fresh start follows, with a welcome: the old offsets mean nothing.
				this.session = null;
				this.offsets.clear();
			}
			this.answers.answered(success, success ? null : text(envelope.message(), "reason"), true);
			return true;
		}
		if (envelope.isError() && HELLO.equals(text(envelope.message(), "name"))) {
			// A server without recovery refuses the reserved name: protocol version 1.
			boolean wasResuming = this.resuming;
			this.resuming = false;
			this.session = null;
			this.offsets.clear();
			this.answers.answered(false, "unsupported", wasResuming);
			return true;
		}
		// Before the answer to a hello with a session, frames without an offset went to
		// the provisional connection and come again, numbered, in the replay.
		return this.resuming && !name.startsWith("ambiorix:");
	}

	private boolean duplicate(String offset) {
		int colon = offset.lastIndexOf(':');
		if (colon <= 0) {
			return false;
		}
		long number;
		try {
			number = Long.parseLong(offset.substring(colon + 1));
		}
		catch (NumberFormatException ex) {
			return false;
		}
		String node = offset.substring(0, colon);
		Long last = this.offsets.get(node);
		if (last != null && number <= last) {
			return true;
		}
		this.offsets.put(node, number);
		return false;
	}

	@Override
	public synchronized boolean canResume() {
		return this.session != null;
	}

	@Override
	public synchronized void lost() {
		this.resuming = false;
	}

	synchronized @Nullable String clientId() {
		return this.clientId;
	}

	private static @Nullable String text(JsonNode message, String key) {
		JsonNode value = message.get(key);
		return (value != null && value.isString()) ? value.stringValue() : null;
	}

	/**
	 * What the client does with the server's answer to a hello.
	 */
	interface Answers {

		/**
		 * The server answered: requests still waiting for a replay will get no reply.
		 * @param recovered whether the session was recovered
		 * @param reason why not, or {@code null}
		 * @param tell whether to tell the listeners (a hello that presented a session)
		 */
		void answered(boolean recovered, @Nullable String reason, boolean tell);

	}

}
