package dev.ambiorix.spring.security;

import java.time.Instant;
import java.util.Map;

import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the application enables it, a token in the {@code access_token} query parameter
 * authenticates an upgrade, and no log line shows it, though Spring MVC, Spring Security,
 * Spring's WebSocket support and ours log at DEBUG.
 */
@SpringBootTest(classes = { SecuredApplication.class, BearerTokenTest.TokenUpgrades.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "ambiorix.security.bearer.query-parameter=true", "logging.level.org.springframework.web=DEBUG",
				"logging.level.org.springframework.security=DEBUG", "logging.level.dev.ambiorix=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class QueryParameterTokenTest {

	@LocalServerPort
	int port;

	@Test
	void aQueryParameterTokenAuthenticatesAndNoLogLineShowsIt(CapturedOutput output) {
		String token = TestTokens.valid("alice", Instant.now().plusSeconds(600));
		try (TestClient client = TestClient.connect(this.port, "/?lang=en&access_token=" + token, Map.of())) {
			client.request("whoami", null, 1);
			assertThat(client.next().get("message").stringValue()).isEqualTo("alice");
			client.close();
		}
		String signature = token.substring(token.lastIndexOf('.') + 1);
		assertThat(output).as("the DEBUG log of the upgrade").contains("lang=en");
		assertThat(output).doesNotContain(signature).doesNotContain("access_token");
	}

}
