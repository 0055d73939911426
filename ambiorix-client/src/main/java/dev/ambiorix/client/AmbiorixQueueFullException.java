package dev.ambiorix.client;

/**
 * A send or request was refused: the client is not connected and its queue of sends
 * waiting for the connection is full.
 */
public class AmbiorixQueueFullException extends AmbiorixException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param limit the queue's capacity
	 */
	public AmbiorixQueueFullException(int limit) {
		super("queue_full", "send queue full (" + limit + " waiting for the connection); message dropped", null);
	}

}
