package dev.ambiorix.spring.session;

import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;

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
class TomcatBesideJettyTest extends BothContainersOnClasspath {

	@Test
	void withBothContainersPresentTomcatCanStillCarryTheClients() {
		assertThat(roundTripOn("Tomcat").getClass().getSimpleName()).isEqualTo("TomcatTransport");
	}

}
