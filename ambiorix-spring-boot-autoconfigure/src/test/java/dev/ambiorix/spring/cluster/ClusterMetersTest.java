package dev.ambiorix.spring.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.cluster.redis.RedisRelay;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RedisServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static dev.ambiorix.spring.cluster.Peers.connect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code ambiorix.cluster.*} meters of two nodes sharing a real Redis, through an
 * outage of that Redis.
 */
@Tag("redis")
class ClusterMetersTest {

	final RedisServer redis = RedisServer.start();

	final RedisNodes nodes = new RedisNodes(this.redis);

	final List<AmbiorixConnection> connected = new ArrayList<>();

	@AfterEach
	void stopAll() {
		this.connected.forEach(AmbiorixConnection::close);
		this.nodes.close();
		this.redis.stop();
	}

	@Test
	void relayedEnvelopesLagFailuresAndWaitingEnvelopesAreMeteredOnEachNode() {
		ConfigurableApplicationContext nodeA = this.nodes.start("ambiorix.cluster.relay-buffer-size=10");
		ConfigurableApplicationContext nodeB = this.nodes.start();
		AmbiorixConnection onB = connect(RedisNodes.port(nodeB), null);
		this.connected.add(onB);
		await().atMost(Duration.ofSeconds(5)).until(() -> clients(nodeB).count() == 1);
		MeterRegistry metersA = nodeA.getBean(MeterRegistry.class);
		MeterRegistry metersB = nodeB.getBean(MeterRegistry.class);
		assertThat(metersA).isInstanceOfAny(SimpleMeterRegistry.class,
				io.micrometer.core.instrument.composite.CompositeMeterRegistry.class);
		assertThat(metersA.get("ambiorix.cluster.up").gauge().value()).isEqualTo(1.0);

		for (int i = 0; i < 10; i++) {
			clients(nodeA).broadcast("n", i);
		}
		for (int i = 0; i < 10; i++) {
			assertThat(onB.next().message().asInt()).isEqualTo(i);
		}
		await().atMost(Duration.ofSeconds(5))
			.until(() -> relayed(metersA, "out") == 10 && relayed(metersB, "in") == 10);
		assertThat(relayed(metersA, "in")).as("a node's own entries are not counted as relayed in").isZero();
		assertThat(metersB.get("ambiorix.cluster.lag").timer().count()).isEqualTo(10);
		assertThat(metersB.get("ambiorix.cluster.lag").timer().max(java.util.concurrent.TimeUnit.SECONDS))
			.isLessThan(5);

		this.redis.stop();
		for (int i = 0; i < 30; i++) {
			clients(nodeA).broadcast("n", i);
		}
		await().atMost(Duration.ofSeconds(5)).until(() -> metersA.get("ambiorix.cluster.up").gauge().value() == 0.0);
		RedisRelay relayA = nodeA.getBean(RedisRelay.class);
		double waiting = metersA.get("ambiorix.cluster.waiting").gauge().value();
		double failed = metersA.get("ambiorix.cluster.failed").functionCounter().count();
		assertThat(waiting).isEqualTo(relayA.waiting()).isPositive();
		assertThat(failed).isEqualTo(relayA.failed()).isPositive();
		assertThat(waiting + failed).isEqualTo(30);

		this.redis.restart();
		await().atMost(Duration.ofSeconds(15))
			.until(() -> metersA.get("ambiorix.cluster.up").gauge().value() == 1.0
					&& metersA.get("ambiorix.cluster.waiting").gauge().value() == 0.0);
		await().atMost(Duration.ofSeconds(5)).until(() -> relayed(metersB, "in") == 10 + waiting);
		assertThat(relayed(metersA, "out")).isEqualTo(10 + waiting);
	}

	@Test
	void withoutRedisModeNoClusterMeterIsRegistered() {
		ConfigurableApplicationContext node = this.nodes.start("ambiorix.cluster.mode=local");
		assertThat(node.getBean(MeterRegistry.class).find("ambiorix.cluster.relayed").meters()).isEmpty();
		assertThat(node.getBean(MeterRegistry.class).find("ambiorix.connections").meters()).isNotEmpty();
	}

	static double relayed(MeterRegistry registry, String direction) {
		return registry.get("ambiorix.cluster.relayed")
			.tag("direction", "out".equals(direction) ? "out" : "in")
			.functionCounter()
			.count();
	}

	static WebSocketClients clients(ConfigurableApplicationContext node) {
		return node.getBean(WebSocketClients.class);
	}

}
