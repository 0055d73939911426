package dev.ambiorix.spring.endpoint;

/**
 * What tests in other packages may read of the endpoint's per-connection state.
 */
public final class EndpointState {

	private EndpointState() {
	}

	/**
	 * Return how many sessions the endpoint handler keeps state for.
	 * @param handler the handler
	 * @return the count
	 */
	public static int sessionsTracked(AmbiorixWebSocketHandler handler) {
		return handler.sessionsTracked();
	}

}
