package dev.ambiorix.spring.session;

import java.security.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.protocol.EnvelopeWriter;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The registry tells a recoverable client that it leaves while every frame meant for it
 * still reaches it, so the recovery's position then misses nothing that it missed.
 */
class LocalClientsTest {

	private final LocalClients clients = new LocalClients();

	private final List<String> heard = new CopyOnWriteArrayList<>();

	@Test
	void aRecoverableClientHearsItIsLeavingWhileEveryViewStillHoldsItThenThatItLeft() {
		ClientConnection client = client("a", "alice");
		this.clients.join(client, "room");
		this.clients.remove(client);
		assertThat(this.heard).containsExactly("leaving: by id true, all true, group true, user true",
				"removed: groups [room]");
		assertThat(this.clients.get("a")).isNull();
		assertThat(this.clients.all()).isEmpty();
	}

	@Test
	void aClientRemovedTwiceHearsItOnce() {
		ClientConnection client = client("a", "alice");
		this.clients.remove(client);
		this.clients.remove(client);
		assertThat(this.heard).hasSize(2);
	}

	@Test
	void aClientReplacedByAnotherWithItsIdHearsNothingWhenRemovedLate() {
		ClientConnection old = client("a", "alice");
		this.clients.remove(old);
		this.heard.clear();
		client("a", "alice");
		this.clients.remove(old);
		assertThat(this.heard).isEmpty();
		assertThat(this.clients.get("a")).isNotNull();
	}

	@Test
	void aClosedClientDoesNotTakeAnotherIdAndStaysOut() {
		ClientConnection client = client("provisional", null);
		client.terminate(CloseStatus.GOING_AWAY);
		assertThat(this.clients.rename(client, "recovered")).isFalse();
		assertThat(this.clients.get("recovered")).isNull();
		assertThat(this.clients.all()).isEmpty();
	}

	@Test
	void anOpenClientTakesItsRecoveredIdInNoGroup() {
		ClientConnection client = client("provisional", "alice");
		this.clients.join(client, "room");
		assertThat(this.clients.rename(client, "recovered")).isTrue();
		assertThat(this.clients.get("recovered")).isSameAs(client);
		assertThat(this.clients.get("provisional")).isNull();
		assertThat(this.clients.groupMembers("room")).isEmpty();
		assertThat(this.clients.userMembers("alice")).containsExactly(client);
		assertThat(this.heard).as("a new id is no leave").isEmpty();
	}

	private ClientConnection client(String id, @Nullable String user) {
		WebSocketSession session = mock(WebSocketSession.class);
		given(session.isOpen()).willReturn(true);
		if (user != null) {
			Principal principal = () -> user;
			given(session.getPrincipal()).willReturn(principal);
		}
		ClientConnection client = new ClientConnection(id, session, new ClientSupervisorTest.RecordingTransport(),
				new EnvelopeWriter(JsonMapper.builder().build()), new OutboundLimits(1000, Duration.ofSeconds(10)),
				this.clients, Runnable::run);
		client.recoverable(new Listening(client));
		this.clients.add(client);
		return client;
	}

	/**
	 * Records what the registry says, and whether the client can still be reached then.
	 */
	private final class Listening implements Recoverable {

		private final ClientConnection client;

		Listening(ClientConnection client) {
			this.client = client;
		}

		@Override
		public void sendOwn(String frame) {
		}

		@Override
		public void deliver(Stamp stamp) {
		}

		@Override
		public void leaving() {
			LocalClients clients = LocalClientsTest.this.clients;
			LocalClientsTest.this.heard.add("leaving: by id " + (clients.get(this.client.id()) == this.client)
					+ ", all " + clients.all().contains(this.client) + ", group "
					+ clients.groupMembers("room").contains(this.client) + ", user "
					+ clients.userMembers("alice").contains(this.client));
		}

		@Override
		public void removed(Member member, Set<String> groups) {
			LocalClientsTest.this.heard.add("removed: groups " + groups);
		}

	}

}
