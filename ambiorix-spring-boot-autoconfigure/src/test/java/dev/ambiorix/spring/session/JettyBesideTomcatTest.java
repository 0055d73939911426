package dev.ambiorix.spring.session;

import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that adds {@code spring-boot-starter-jetty} without excluding Tomcat has
 * both containers on its classpath: Spring Boot then starts Jetty, and the endpoint works
 * there. Runs only in the {@code both-containers-tests} execution, whose classpath has
 * both.
 */
@Tag("both-containers")
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class JettyBesideTomcatTest extends BothContainersOnClasspath {

	@Test
	void withBothContainersPresentJettyStartsAndCarriesTheClients() {
		assertThat(roundTripOn("Jetty")).isInstanceOf(JettyTransport.class);
	}

}
