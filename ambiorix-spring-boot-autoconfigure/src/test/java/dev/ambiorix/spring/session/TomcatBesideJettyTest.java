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
 * An application with both containers on its classpath that starts Tomcat (here by
 * leaving out Jetty's server auto-configuration; an application could define its own
 * Tomcat factory) upgrades on Tomcat, although Jetty's WebSocket classes are present.
 * Runs only in the {@code both-containers-tests} execution, whose classpath has both.
 */
@Tag("both-containers")
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "spring.autoconfigure.exclude=org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration")
class TomcatBesideJettyTest {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	LocalClients clients;

	@Test
	void withBothContainersPresentTomcatCanStillCarryTheClients() {
		ClassLoader classLoader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)).isTrue();
		assertThat(ClassUtils.isPresent("org.eclipse.jetty.server.Server", classLoader)).isTrue();
		assertThat(this.context.getWebServer().getClass().getName()).contains("Tomcat");
		try (TestClient client = TestClient.connect(this.port)) {
			client.request("shout", "hi", 1);
			assertThat(client.next().get("message").stringValue()).isEqualTo("HI");
			assertThat(this.clients.all()).singleElement()
				.extracting((connection) -> connection.transport().getClass().getSimpleName())
				.isEqualTo("JakartaAsyncTransport");
		}
	}

}
