package dev.ambiorix.spring.protocol;

/**
 * A JSON object without {@code "isAmbiorix": true}: ignored silently, as Ambiorix
 * documents.
 */
public enum NotForUs implements InboundFrame {

	/** The only instance. */
	INSTANCE

}
