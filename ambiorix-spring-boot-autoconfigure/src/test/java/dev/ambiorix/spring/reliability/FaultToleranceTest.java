package dev.ambiorix.spring.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.endpoint.AmbiorixWebSocketHandler;
import dev.ambiorix.spring.support.AmbiorixConnection;
import dev.ambiorix.spring.support.RawWebSocket;
import dev.ambiorix.spring.support.TestApplication;
import dev.ambiorix.spring.support.TestApplication.ConnectionEvents;
import dev.ambiorix.spring.support.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults in a handler or a client stay with that handler or client: the sender gets an
 * error or waits its turn, and everyone else is served as if nothing happened.
 */
@SpringBootTest(classes = TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class FaultToleranceTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	AmbiorixWebSocketHandler endpoint;

	@Autowired
	ConnectionEvents events;

	// Raw frames where the order of replies and errors on the wire is the point.
	@Test
	void handlerThatThrowsAnswersHandlerErrorAndTheConnectionCarriesOnInOrder() {
		try (TestClient client = TestClient.connect(this.port)) {
			for (int i = 0; i < 20; i++) {
				client.request("fail", null, "fail-" + i);
				client.request("increment", i, "ok-" + i);
			}
			for (int i = 0; i < 20; i++) {
				JsonNode failed = client.next();
				assertThat(failed.get("id").stringValue()).isEqualTo("fail-" + i);
				assertThat(failed.get("message").get("code").stringValue()).isEqualTo("handler_error");
				JsonNode reply = client.next();
				assertThat(reply.get("id").stringValue()).isEqualTo("ok-" + i);
				assertThat(reply.get("message").intValue()).isEqualTo(i + 1);
			}
			assertThat(client.isOpen()).isTrue();
		}
	}

	@Test
	void handlerThatBlocksFiveSecondsKeepsItsClientsOrderAndHoldsUpNoOneElse() {
		try (TestClient blocked = TestClient.connect(this.port); TestClient bystander = TestClient.connect(this.port)) {
			long framesBefore = this.endpoint.counters().frames();
			blocked.request("sleep", 5000, "sleep");
			// Counted just before dispatch: from here on the handler is blocking.
			await().atMost(Duration.ofSeconds(5)).until(() -> this.endpoint.counters().frames() > framesBefore);
			for (int i = 0; i < 50; i++) {
				blocked.request("increment", i, i);
			}
			for (int i = 0; i < 20; i++) {
				bystander.request("shout", "hi " + i, i);
				JsonNode reply = bystander.next();
				assertThat(reply.get("id").intValue()).isEqualTo(i);
				assertThat(reply.get("message").stringValue()).isEqualTo("HI " + i);
			}
			assertThat(blocked.pending()).as("the blocked client's answers wait for its handler").isZero();
			JsonNode slept = blocked.next();
			assertThat(slept.get("message").stringValue()).isEqualTo("slept 5000");
			for (int i = 0; i < 50; i++) {
				JsonNode reply = blocked.next();
				assertThat(reply.get("id").intValue()).isEqualTo(i);
				assertThat(reply.get("message").intValue()).isEqualTo(i + 1);
			}
		}
	}

	@Test
	void clientThatVanishesMidBroadcastIsDroppedWhileTheOthersGetEveryMessage(CapturedOutput output) throws Exception {
		List<AmbiorixConnection> stayers = new ArrayList<>();
		try {
			for (int i = 0; i < 10; i++) {
				stayers.add(AmbiorixConnection.connect(this.port));
			}
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 10);
			Set<String> stayerIds = ids();
			RawWebSocket vanisher = RawWebSocket.connect(this.port, 1024 * 1024);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 11);
			Set<String> all = ids();
			all.removeAll(stayerIds);
			String vanisherId = all.iterator().next();
			int messages = 2000;
			CompletableFuture<Void> broadcasting = CompletableFuture.runAsync(() -> {
				for (int i = 0; i < messages; i++) {
					this.clients.broadcast("stream", i);
					if (i == messages / 4) {
						vanish(vanisher);
					}
				}
			});
			broadcasting.get(30, TimeUnit.SECONDS);
			for (AmbiorixConnection stayer : stayers) {
				for (int i = 0; i < messages; i++) {
					assertThat(stayer.next().message().intValue()).isEqualTo(i);
				}
			}
			await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.find(vanisherId).isEmpty());
			assertThat(ids()).isEqualTo(stayerIds);
			assertThat(this.events.awaitDisconnected(vanisherId).status()).isNotNull();
			assertThat(output.getAll()).doesNotContain("ERROR").doesNotContain("Exception");
		}
		finally {
			stayers.forEach(AmbiorixConnection::close);
		}
	}

	/** Gone without a close frame: the socket is reset, as when a laptop lid shuts. */
	/**
	 * Large messages go out in several fragments. When a client vanishes in the middle of
	 * one, Tomcat 11.0.22's own send continuation can throw on its worker thread
	 * (IllegalStateException "session has been closed", or IllegalArgumentException from
	 * a buffer written by its close at the same moment); that connection is gone anyway.
	 * What matters, and what this asserts, is that nobody else notices.
	 */
	@Test
	void clientsThatVanishInTheMiddleOfLargeMessagesHurtNoOne() throws Exception {
		try (AmbiorixConnection stayer = AmbiorixConnection.connect(this.port)) {
			await().atMost(Duration.ofSeconds(5)).until(() -> this.clients.count() == 1);
			String large = "x".repeat(200_000);
			int rounds = 30;
			for (int i = 0; i < rounds; i++) {
				RawWebSocket vanisher = RawWebSocket.connect(this.port, 64 * 1024);
				await().dontCatchUncaughtExceptions()
					.atMost(Duration.ofSeconds(5))
					.until(() -> this.clients.count() == 2);
				this.clients.broadcast("large", i + ":" + large);
				vanisher.readFrame();
				vanish(vanisher);
				assertThat(stayer.next().message().stringValue()).isEqualTo(i + ":" + large);
				await().dontCatchUncaughtExceptions()
					.atMost(Duration.ofSeconds(5))
					.until(() -> this.clients.count() == 1);
			}
			assertThat(stayer.request("shout", "still here").stringValue()).isEqualTo("STILL HERE");
		}
	}

	private static void vanish(RawWebSocket raw) {
		try {
			raw.socket().setSoLinger(true, 0);
			raw.close();
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private Set<String> ids() {
		Set<String> ids = new HashSet<>();
		for (WebSocketClient client : this.clients.all()) {
			ids.add(client.id());
		}
		return ids;
	}

}
