package dev.ambiorix.spring.session;

import org.jspecify.annotations.Nullable;

/**
 * Delivers frames to the clients of this node. Each offer only queues, so one slow client
 * does not hold up the loop.
 */
public final class LocalFrameDelivery implements FrameDelivery {

	private final LocalClients clients;

	/**
	 * Create a delivery to the given clients.
	 * @param clients this node's clients
	 */
	public LocalFrameDelivery(LocalClients clients) {
		this.clients = clients;
	}

	@Override
	public void toAll(String frame, @Nullable String exceptId) {
		for (ClientConnection client : this.clients.all()) {
			if (exceptId == null || !exceptId.equals(client.id())) {
				client.sendFrame(frame);
			}
		}
	}

	@Override
	public void toClient(String clientId, String frame) {
		ClientConnection client = this.clients.get(clientId);
		if (client != null) {
			client.sendFrame(frame);
		}
	}

}
