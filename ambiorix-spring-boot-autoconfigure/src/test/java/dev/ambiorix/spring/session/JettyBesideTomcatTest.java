package dev.ambiorix.spring.session;

import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An application that adds the starter, which brings Jetty, to one that already has
 * Tomcat (through {@code spring-boot-starter-webmvc}, say) has both containers on its
 * classpath: Spring Boot then starts Jetty, and the starter works there. Runs only in the
 * {@code both-containers-tests} execution, whose classpath has both.
 */
@Tag("both-containers")
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class JettyBesideTomcatTest {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	LocalClients clients;

	@Test
	void withBothContainersPresentJettyStartsAndCarriesTheClients() {
		ClassLoader classLoader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)).isTrue();
		assertThat(ClassUtils.isPresent("org.eclipse.jetty.server.Server", classLoader)).isTrue();
		assertThat(this.context.getWebServer().getClass().getName()).contains("Jetty");
		try (TestClient client = TestClient.connect(this.port)) {
			client.request("shout", "hi", 1);
			assertThat(client.next().get("message").stringValue()).isEqualTo("HI");
			assertThat(this.clients.all()).singleElement()
				.extracting(ClientConnection::transport)
				.isInstanceOf(JettyTransport.class);
		}
	}

}
