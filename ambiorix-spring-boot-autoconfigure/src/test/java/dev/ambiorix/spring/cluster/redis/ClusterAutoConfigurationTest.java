package dev.ambiorix.spring.cluster.redis;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.cluster.AmbiorixClusterAutoConfiguration;
import dev.ambiorix.spring.cluster.LocalMembership;
import dev.ambiorix.spring.session.FrameDelivery;
import dev.ambiorix.spring.session.LocalFrameDelivery;
import dev.ambiorix.spring.session.MemberDirectory;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.data.redis.connection.RedisConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which cluster beans each mode creates.
 */
class ClusterAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AmbiorixAutoConfiguration.class,
				AmbiorixClusterAutoConfiguration.class, AmbiorixRedisClusterAutoConfiguration.class,
				AmbiorixClusterHealthAutoConfiguration.class, DataRedisAutoConfiguration.class))
		// Nothing listens there: the relay only retries in the background.
		.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.timeout=200ms");

	@Test
	void defaultModeKeepsEverythingInMemory() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(LocalMembership.class);
			assertThat(context).doesNotHaveBean(RedisRelay.class);
			assertThat(context.getBean(FrameDelivery.class)).isInstanceOf(LocalFrameDelivery.class);
		});
	}

	@Test
	void redisModeRelaysThroughRedisWithHeartbeatedPresenceAndAHealthIndicator() {
		this.runner.withPropertyValues("ambiorix.cluster.mode=redis").run((context) -> {
			assertThat(context).hasSingleBean(RedisRelay.class);
			assertThat(context.getBean(FrameDelivery.class)).isInstanceOf(RedisRelay.class);
			assertThat(context.getBean(MemberDirectory.class)).isInstanceOf(RedisMembership.class);
			assertThat(context).doesNotHaveBean(LocalMembership.class);
			assertThat(context).hasBean("ambiorixClusterHealthIndicator");
		});
	}

	@Test
	void redisModeWithoutSpringDataRedisFailsStartup() {
		this.runner.withPropertyValues("ambiorix.cluster.mode=redis")
			.withClassLoader(new FilteredClassLoader(RedisConnectionFactory.class))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("spring-boot-starter-data-redis"));
	}

	@Test
	void theRelaySpreadsOverTheConfiguredNumberOfStreams() {
		this.runner.withPropertyValues("ambiorix.cluster.mode=redis", "ambiorix.cluster.streams=4")
			.run((context) -> assertThat(context.getBean(RedisRelay.class).streams()).isEqualTo(4));
	}

	@Test
	void noStreamsFailsStartup() {
		this.runner.withPropertyValues("ambiorix.cluster.mode=redis", "ambiorix.cluster.streams=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ambiorix.cluster.streams"));
	}

	@Test
	void aNodeTimeoutShorterThanTwoHeartbeatsFailsStartup() {
		this.runner
			.withPropertyValues("ambiorix.cluster.mode=redis", "ambiorix.cluster.heartbeat-interval=5s",
					"ambiorix.cluster.node-timeout=6s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ambiorix.cluster.node-timeout"));
	}

	@Test
	void theRelayNeedsNoHealthSupport() {
		// In an application, Boot's class filter drops the health auto-configuration
		// before its conditions are read; a runner does not, so it is left out here.
		new WebApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(AmbiorixAutoConfiguration.class, AmbiorixClusterAutoConfiguration.class,
							AmbiorixRedisClusterAutoConfiguration.class, DataRedisAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.timeout=200ms",
					"ambiorix.cluster.mode=redis")
			.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
			.run((context) -> assertThat(context).hasSingleBean(RedisRelay.class));
	}

}
