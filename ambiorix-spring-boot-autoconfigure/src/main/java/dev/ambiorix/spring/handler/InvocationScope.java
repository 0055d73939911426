package dev.ambiorix.spring.handler;

import dev.ambiorix.spring.session.ClientConnection;

/**
 * What surrounds every handler call, and the continuation of its result, for one client:
 * the Spring Security integration makes the handshake user the security context there.
 * The core knows only this interface.
 */
public interface InvocationScope {

	/** A scope that does nothing and denies nothing. */
	InvocationScope NONE = (client) -> Entered.NOTHING;

	/**
	 * Enter the scope on the calling thread, before a handler runs or its result is
	 * handled.
	 * @param client the client whose frame is handled
	 * @return what leaves the scope, restoring the thread as it was
	 */
	Entered enter(ClientConnection client);

	/**
	 * Return whether what a handler threw is a refusal to run it for this client, which
	 * the client is told as {@code forbidden} rather than {@code handler_error}.
	 * @param exception what the handler threw
	 * @return {@code true} for a denial
	 */
	default boolean isDenial(Throwable exception) {
		return false;
	}

	/**
	 * An entered scope; closing it leaves the scope.
	 */
	@FunctionalInterface
	interface Entered extends AutoCloseable {

		/** Leaving a scope that did nothing. */
		Entered NOTHING = () -> {
		};

		@Override
		void close();

	}

}
