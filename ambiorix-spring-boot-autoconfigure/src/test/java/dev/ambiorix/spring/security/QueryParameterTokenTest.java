package dev.ambiorix.spring.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Stream;

import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Where the application enables it, a token in the {@code access_token} query parameter
 * authenticates an upgrade, and no log line shows it, though Spring MVC, Spring Security,
 * Spring's WebSocket support and ours log at DEBUG, nor Tomcat's access log.
 */
@SpringBootTest(classes = { SecuredApplication.class, BearerTokenTest.TokenUpgrades.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.security.bearer.query-parameter=true", "logging.level.org.springframework.web=DEBUG",
				"logging.level.org.springframework.security=DEBUG", "logging.level.dev.ambiorix=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class QueryParameterTokenTest {

	/** Where Tomcat writes its access log (Jetty has no such property). */
	private static final Path accessLogs = temporaryDirectory();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void accessLog(DynamicPropertyRegistry registry) {
		registry.add("server.tomcat.accesslog.enabled", () -> "true");
		registry.add("server.tomcat.accesslog.buffered", () -> "false");
		registry.add("server.tomcat.accesslog.pattern", () -> "common");
		registry.add("server.tomcat.accesslog.directory", accessLogs::toString);
	}

	@Test
	void aQueryParameterTokenAuthenticatesAndNoLogLineShowsIt(CapturedOutput output) throws IOException {
		String token = TestTokens.valid("alice", Instant.now().plusSeconds(600));
		try (AmbiorixConnection client = AmbiorixConnection.connect(this.port, "/?lang=en&access_token=" + token,
				Map.of())) {
			assertThat(client.request("whoami", null).stringValue()).isEqualTo("alice");
			client.close();
		}
		String signature = token.substring(token.lastIndexOf('.') + 1);
		assertThat(output).as("the DEBUG log of the upgrade").contains("lang=en");
		assertThat(output).containsPattern("Client [0-9a-f-]{36} of user alice connected");
		await().atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(output)
				.containsPattern("Client [0-9a-f-]{36} of user alice closed with CloseStatus\\[code=1000"));
		assertThat(output).doesNotContain(signature).doesNotContain("access_token");
		if (ClassUtils.isPresent("org.apache.catalina.Valve", null)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> accessLog().contains("GET /?lang=en HTTP/1.1\" 101"));
			assertThat(accessLog()).doesNotContain(signature).doesNotContain("access_token");
		}
	}

	private static String accessLog() throws IOException {
		StringBuilder all = new StringBuilder();
		try (Stream<Path> files = Files.list(accessLogs)) {
			for (Path file : files.toList()) {
				all.append(Files.readString(file));
			}
		}
		return all.toString();
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("access-logs");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
