package dev.ambiorix.spring.session;

import dev.ambiorix.spring.support.TestClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests with Tomcat and Jetty both on the classpath share: which server started,
 * and a round trip over it.
 */
abstract class BothContainersOnClasspath {

	@LocalServerPort
	int port;

	@Autowired
	WebServerApplicationContext context;

	@Autowired
	LocalClients clients;

	/**
	 * Check that both containers are present and the named one runs, then carry one
	 * request and reply over it.
	 * @param serverName part of the running web server's class name
	 * @return the transport the connected client got
	 */
	Transport roundTripOn(String serverName) {
		ClassLoader classLoader = getClass().getClassLoader();
		assertThat(ClassUtils.isPresent("org.apache.catalina.startup.Tomcat", classLoader)).isTrue();
		assertThat(ClassUtils.isPresent("org.eclipse.jetty.server.Server", classLoader)).isTrue();
		assertThat(this.context.getWebServer().getClass().getName()).contains(serverName);
		try (TestClient client = TestClient.connect(this.port)) {
			client.request("shout", "hi", 1);
			assertThat(client.next().get("message").stringValue()).isEqualTo("HI");
			assertThat(this.clients.all()).hasSize(1);
			return this.clients.all().iterator().next().transport();
		}
	}

}
