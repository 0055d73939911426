package dev.ambiorix.spring.metrics;

import dev.ambiorix.spring.session.LocalClients;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges read from this node's clients when a registry asks: how many are connected, and
 * how much waits for the slowest of them.
 */
final class ClientGauges {

	private final LocalClients clients;

	/**
	 * Create gauges over the given clients.
	 * @param clients this node's clients
	 */
	public ClientGauges(LocalClients clients) {
		this.clients = clients;
	}

	/**
	 * Register the gauges.
	 * @param registry the registry
	 */
	public void register(MeterRegistry registry) {
		Gauge.builder("ambiorix.connections", this.clients, LocalClients::count)
			.description("WebSocket clients connected to this node now")
			.strongReference(true)
			.register(registry);
		Gauge.builder("ambiorix.outbound.queue.largest", this.clients, LocalClients::largestQueue)
			.description("UTF-8 bytes waiting for, or being sent to, the client with the largest outbound queue now")
			.baseUnit("bytes")
			.strongReference(true)
			.register(registry);
	}

}
