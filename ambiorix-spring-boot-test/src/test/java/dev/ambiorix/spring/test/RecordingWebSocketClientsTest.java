package dev.ambiorix.spring.test;

import java.util.List;

import dev.ambiorix.spring.test.GreetingApplication.Greeting;
import dev.ambiorix.spring.test.GreetingApplication.Handlers;
import dev.ambiorix.spring.test.RecordingWebSocketClient.Message;
import dev.ambiorix.spring.test.RecordingWebSocketClients.Sent;
import org.junit.jupiter.api.Test;

import org.springframework.web.socket.CloseStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Handlers tested without a network: what they broadcast, to whom.
 */
class RecordingWebSocketClientsTest {

	private final RecordingWebSocketClients clients = new RecordingWebSocketClients();

	private final Handlers handlers = new Handlers();

	@Test
	void aBroadcastExceptTheSenderIsRecordedAndReachesEveryOtherClient() {
		RecordingWebSocketClient ada = this.clients.connect("ada");
		RecordingWebSocketClient grace = this.clients.connect("grace");
		this.handlers.announce("lunch", ada, this.clients);
		Greeting greeting = new Greeting("everyone", "lunch");
		assertThat(this.clients.sent()).containsExactly(Sent.toAllExcept("ada", "announcement", greeting));
		assertThat(grace.received("announcement")).containsExactly(greeting);
		assertThat(ada.received()).isEmpty();
	}

	@Test
	void aSendToTheSenderIsRecordedOnTheClient() {
		RecordingWebSocketClient ada = this.clients.connect("ada");
		this.handlers.greetings(ada);
		assertThat(ada.received()).containsExactly(
				new Message("greetings", List.of(new Greeting("Ada", "hi"), new Greeting("Grace", "hello"))));
		assertThat(this.clients.sent()).isEmpty();
	}

	@Test
	void broadcastsAndSendsByIdReachOpenClientsOnly() {
		RecordingWebSocketClient ada = this.clients.connect("ada");
		RecordingWebSocketClient grace = this.clients.connect("grace");
		grace.close(CloseStatus.GOING_AWAY);
		this.clients.broadcast("news", "all");
		this.clients.send("ada", "direct", 1);
		this.clients.send("grace", "direct", 2);
		assertThat(this.clients.sent()).containsExactly(Sent.toAll("news", "all"), Sent.to("ada", "direct", 1),
				Sent.to("grace", "direct", 2));
		assertThat(ada.received()).containsExactly(new Message("news", "all"), new Message("direct", 1));
		assertThat(grace.received()).isEmpty();
		assertThat(grace.closeStatus()).isEqualTo(CloseStatus.GOING_AWAY);
		assertThat(this.clients.count()).isOne();
		assertThat(this.clients.find("grace")).isEmpty();
		assertThat(this.clients.all()).containsExactly(ada);
	}

	@Test
	void twoOpenClientsCannotShareAnId() {
		this.clients.connect("ada");
		assertThatIllegalArgumentException().isThrownBy(() -> this.clients.connect("ada"));
	}

	@Test
	void groupAndUserBroadcastsAreRecordedAndReachTheirMembersOnly() {
		RecordingWebSocketClient ada = this.clients.connect("ada", () -> "ada-user");
		RecordingWebSocketClient adaTab = this.clients.connect("ada-tab", () -> "ada-user");
		RecordingWebSocketClient grace = this.clients.connect("grace");
		ada.join("kitchen");
		grace.join("kitchen");
		grace.setPresence(java.util.Map.of("nickname", "Grace"));
		this.clients.group("kitchen").broadcastExcept(ada, "post", "hungry?");
		this.clients.user("ada-user").broadcast("dm", "hi Ada");
		assertThat(this.clients.sent()).containsExactly(Sent.toGroupExcept("kitchen", "ada", "post", "hungry?"),
				Sent.toUser("ada-user", "dm", "hi Ada"));
		assertThat(grace.received()).containsExactly(new Message("post", "hungry?"));
		assertThat(ada.received()).containsExactly(new Message("dm", "hi Ada"));
		assertThat(adaTab.received()).containsExactly(new Message("dm", "hi Ada"));
		assertThat(this.clients.group("kitchen").count()).isEqualTo(2);
		assertThat(this.clients.group("kitchen").members())
			.anySatisfy((member) -> assertThat(member.presence().get("nickname").stringValue()).isEqualTo("Grace"));
		grace.close();
		assertThat(this.clients.group("kitchen").count()).isOne();
		assertThat(grace.groups()).isEmpty();
		this.clients.user("ada-user").close(CloseStatus.POLICY_VIOLATION);
		assertThat(ada.closeStatus()).isEqualTo(CloseStatus.POLICY_VIOLATION);
		assertThat(adaTab.closeStatus()).isEqualTo(CloseStatus.POLICY_VIOLATION);
	}

}
