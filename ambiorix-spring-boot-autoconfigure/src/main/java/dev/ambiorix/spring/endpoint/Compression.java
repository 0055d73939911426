package dev.ambiorix.spring.endpoint;

/**
 * What the endpoint answers a client that offers {@code permessage-deflate} (RFC 7692),
 * as every browser does.
 */
public enum Compression {

	/**
	 * Decline it: frames go uncompressed.
	 */
	OFF,

	/**
	 * Accept it as the containers do by default: each direction keeps its compression
	 * context (a 32 KB window) from one message to the next, for the life of the
	 * connection.
	 */
	CONTEXT_TAKEOVER,

	/**
	 * Accept it with {@code server_no_context_takeover} and
	 * {@code client_no_context_takeover}: each message is compressed on its own, so no
	 * window outlives a message.
	 */
	NO_CONTEXT_TAKEOVER;

	/**
	 * The extension's name.
	 */
	static final String PERMESSAGE_DEFLATE = "permessage-deflate";

	/**
	 * The parameter that stops the server keeping its window between messages.
	 */
	static final String SERVER_NO_CONTEXT_TAKEOVER = "server_no_context_takeover";

	/**
	 * The parameter that stops the client keeping its window between messages.
	 */
	static final String CLIENT_NO_CONTEXT_TAKEOVER = "client_no_context_takeover";

}
