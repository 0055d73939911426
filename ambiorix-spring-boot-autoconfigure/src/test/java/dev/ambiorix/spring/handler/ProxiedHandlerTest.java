package dev.ambiorix.spring.handler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.aopalliance.intercept.MethodInterceptor;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handlers are invoked through the bean's proxy, so advice such as {@code @Transactional}
 * (here a real transaction on an embedded H2 database) or {@code @PreAuthorize} applies.
 */
@SpringBootTest(classes = ProxiedHandlerTest.ProxiedApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ProxiedHandlerTest {

	@LocalServerPort
	int port;

	@Autowired
	List<String> advised;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	Ledger ledger;

	@Test
	void handlerRunsThroughTheProxy() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("greet", "ann");
			assertThat(client.next().message().stringValue()).isEqualTo("hello ann");
			assertThat(this.advised).containsExactly("greet");
		}
	}

	@Test
	void adviceCanRefuseAndTheClientGetsAHandlerError() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			client.send("greet", "mallory");
			client.nextError("handler_error");
		}
	}

	@Test
	void transactionalHandlerCommitsWhenItReturns() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			assertThat(client.request("deposit", 10).booleanValue()).as("ran in a transaction").isTrue();
			assertThat(this.jdbc.queryForObject("select count(*) from deposit where amount = 10", Integer.class))
				.isOne();
		}
	}

	@Test
	void transactionalHandlerThatThrowsIsRolledBackAndTheClientGetsAHandlerError() {
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port)) {
			assertThat(client.requestError("deposit", -5, "handler_error").name()).isEqualTo("deposit");
			// The row was inserted before the handler threw; the rollback removed it.
			assertThat(this.jdbc.queryForObject("select count(*) from deposit where amount = -5", Integer.class))
				.isZero();
			assertThat(this.ledger.inserted()).as("the insert did happen").contains(-5);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class ProxiedApplication {

		@Bean
		List<String> advised() {
			return new CopyOnWriteArrayList<>();
		}

		@Bean
		Greeter greeter() {
			return new Greeter();
		}

		@Bean
		Ledger ledger(JdbcTemplate jdbc) {
			jdbc.execute("create table deposit (amount int not null)");
			return new Ledger(jdbc);
		}

		@Bean
		static BeanPostProcessor recordingProxy(List<String> advised) {
			return new BeanPostProcessor() {

				@Override
				public Object postProcessAfterInitialization(Object bean, String beanName) {
					if (!(bean instanceof Greeter)) {
						return bean;
					}
					ProxyFactory factory = new ProxyFactory(bean);
					factory.setProxyTargetClass(true);
					factory.addAdvice((MethodInterceptor) (invocation) -> {
						if ("mallory".equals(invocation.getArguments()[0])) {
							throw new SecurityException("access denied");
						}
						advised.add(invocation.getMethod().getName());
						return invocation.proceed();
					});
					return factory.getProxy();
				}

			};
		}

	}

	static class Greeter {

		@Receive("greet")
		public String greet(String name) {
			return "hello " + name;
		}

	}

	/**
	 * Inserts a deposit, then refuses a negative one: only the transaction's rollback can
	 * remove the row.
	 */
	static class Ledger {

		private final JdbcTemplate jdbc;

		private final List<Integer> inserted = new CopyOnWriteArrayList<>();

		Ledger(JdbcTemplate jdbc) {
			this.jdbc = jdbc;
		}

		@Receive("deposit")
		@Transactional
		public boolean deposit(int amount) {
			this.jdbc.update("insert into deposit (amount) values (?)", amount);
			this.inserted.add(amount);
			if (amount < 0) {
				throw new IllegalArgumentException("negative deposit");
			}
			return TransactionSynchronizationManager.isActualTransactionActive();
		}

		/**
		 * Return the amounts inserted, through the proxy.
		 * @return the amounts
		 */
		public List<Integer> inserted() {
			return this.inserted;
		}

	}

}
