package dev.ambiorix.spring.recovery;

import dev.ambiorix.spring.autoconfigure.AmbiorixAutoConfiguration;
import dev.ambiorix.spring.cluster.AmbiorixClusterAutoConfiguration;
import dev.ambiorix.spring.cluster.redis.AmbiorixRedisClusterAutoConfiguration;
import dev.ambiorix.spring.session.ConnectionRecovery;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which recovery beans each setting creates.
 */
class RecoveryAutoConfigurationTest {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(JacksonAutoConfiguration.class, AmbiorixAutoConfiguration.class,
				AmbiorixClusterAutoConfiguration.class, AmbiorixRedisClusterAutoConfiguration.class,
				AmbiorixRecoveryAutoConfiguration.class, DataRedisAutoConfiguration.class))
		// Nothing listens there: the relay only retries in the background.
		.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.timeout=200ms");

	@Test
	void recoveryIsOnByDefaultWithAnInMemoryStore() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(Recovery.class);
			assertThat(context.getBean(RecoveryStore.class)).isInstanceOf(MemoryRecoveryStore.class);
		});
	}

	@Test
	void redisModeKeepsSessionsAndHistoryInRedis() {
		this.runner.withPropertyValues("ambiorix.cluster.mode=redis").run((context) -> {
			assertThat(context).hasSingleBean(Recovery.class);
			assertThat(context.getBean(RecoveryStore.class).getClass().getSimpleName()).isEqualTo("RedisRecoveryStore");
		});
	}

	@Test
	void recoveryCanBeSwitchedOff() {
		this.runner.withPropertyValues("ambiorix.recovery.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(Recovery.class);
			assertThat(context).doesNotHaveBean(ConnectionRecovery.class);
			assertThat(context).doesNotHaveBean(RecoveryStore.class);
		});
	}

	@Test
	void aWindowThatIsNotPositiveFailsStartupNamingTheProperty() {
		this.runner.withPropertyValues("ambiorix.recovery.window=0s")
			.run((context) -> assertThat(context).getFailure().hasStackTraceContaining("ambiorix.recovery.window"));
	}

}
