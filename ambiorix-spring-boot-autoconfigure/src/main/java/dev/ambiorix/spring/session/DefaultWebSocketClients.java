package dev.ambiorix.spring.session;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.jspecify.annotations.Nullable;

/**
 * {@link WebSocketClients} over this node's clients and a {@link FrameDelivery}.
 */
public final class DefaultWebSocketClients implements WebSocketClients {

	private final LocalClients clients;

	private final FrameDelivery delivery;

	private final EnvelopeWriter writer;

	/**
	 * Create the registry view.
	 * @param clients this node's clients
	 * @param delivery where broadcasts and targeted sends go
	 * @param writer writes each envelope once
	 */
	public DefaultWebSocketClients(LocalClients clients, FrameDelivery delivery, EnvelopeWriter writer) {
		this.clients = clients;
		this.delivery = delivery;
		this.writer = writer;
	}

	@Override
	public Collection<WebSocketClient> all() {
		return List.copyOf(this.clients.all());
	}

	@Override
	public int count() {
		return this.clients.count();
	}

	@Override
	public Optional<WebSocketClient> find(String id) {
		return Optional.ofNullable(this.clients.get(id));
	}

	@Override
	public void broadcast(String name, @Nullable Object message) {
		this.delivery.toAll(this.writer.write(name, message), null);
	}

	@Override
	public void broadcastExcept(WebSocketClient except, String name, @Nullable Object message) {
		this.delivery.toAll(this.writer.write(name, message), except.id());
	}

	@Override
	public void send(String id, String name, @Nullable Object message) {
		this.delivery.toClient(id, this.writer.write(name, message));
	}

}
