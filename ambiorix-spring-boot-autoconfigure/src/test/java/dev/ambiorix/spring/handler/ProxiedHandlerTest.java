package dev.ambiorix.spring.handler;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.support.TestClient;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Handlers are invoked through the bean's proxy, so advice such as {@code @Transactional}
 * or {@code @PreAuthorize} applies.
 */
@SpringBootTest(classes = ProxiedHandlerTest.ProxiedApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class ProxiedHandlerTest {

	@LocalServerPort
	int port;

	@Autowired
	List<String> advised;

	@Test
	void handlerRunsThroughTheProxy() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send("greet", "ann");
			assertThat(client.next().get("message").stringValue()).isEqualTo("hello ann");
			assertThat(this.advised).containsExactly("greet");
		}
	}

	@Test
	void adviceCanRefuseAndTheClientGetsAHandlerError() {
		try (TestClient client = TestClient.connect(this.port)) {
			client.send("greet", "mallory");
			client.nextError("handler_error");
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

}
