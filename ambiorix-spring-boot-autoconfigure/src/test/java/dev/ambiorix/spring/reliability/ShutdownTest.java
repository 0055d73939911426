package dev.ambiorix.spring.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Stopping the application tells every client it is going away (1001), so that clients
 * reconnect elsewhere instead of waiting on a dead socket.
 */
class ShutdownTest {

	@Test
	void applicationShutdownClosesEveryClientWith1001() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off")
			.run();
		List<AmbiorixConnection> connected = new ArrayList<>();
		try {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			for (int i = 0; i < 20; i++) {
				connected.add(AmbiorixConnection.connect(port));
			}
			WebSocketClients clients = context.getBean(WebSocketClients.class);
			await().atMost(Duration.ofSeconds(5)).until(() -> clients.count() == 20);
			context.close();
			for (AmbiorixConnection client : connected) {
				assertThat(client.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
				assertThat(client.closeReason()).isEqualTo("server shutting down");
			}
		}
		finally {
			context.close();
			connected.forEach(AmbiorixConnection::close);
		}
	}

}
