package dev.ambiorix.spring.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.ambiorix.client.AmbiorixErrorException;
import dev.ambiorix.spring.ClientGroup;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.MemberLeftEvent;
import dev.ambiorix.spring.session.LocalClients;
import dev.ambiorix.spring.support.AmbiorixConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static dev.ambiorix.spring.cluster.Peers.assertNothingMore;
import static dev.ambiorix.spring.cluster.Peers.call;
import static dev.ambiorix.spring.cluster.Peers.connect;
import static dev.ambiorix.spring.cluster.Peers.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Groups, users and presence on one node, in memory, over real connections.
 */
@SpringBootTest(classes = ClusterTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class LocalGroupsTest {

	@LocalServerPort
	int port;

	@Autowired
	WebSocketClients clients;

	@Autowired
	LocalClients localClients;

	@Autowired
	ClusterTestApplication.LeaveEvents leaveEvents;

	final List<AmbiorixConnection> connected = new ArrayList<>();

	@AfterEach
	void closeAll() {
		this.connected.forEach(AmbiorixConnection::close);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.count() == 0);
		this.leaveEvents.events.clear();
	}

	AmbiorixConnection client(String user) {
		AmbiorixConnection client = connect(this.port, user);
		this.connected.add(client);
		return client;
	}

	@Test
	void groupBroadcastReachesItsMembersOnlyAndTheSenderNeedNotBeOne() {
		AmbiorixConnection a = client(null);
		AmbiorixConnection b = client(null);
		AmbiorixConnection outsider = client(null);
		call(a, "join", "room");
		call(b, "join", "room");
		send(outsider, "toGroup", "room", "hello room");
		assertThat(a.next().message().asString()).isEqualTo("hello room");
		assertThat(b.next().message().asString()).isEqualTo("hello room");
		assertNothingMore(outsider);
	}

	@Test
	void groupBroadcastExceptSkipsTheSender() {
		AmbiorixConnection a = client(null);
		AmbiorixConnection b = client(null);
		call(a, "join", "room");
		call(b, "join", "room");
		send(a, "toGroupExcept", "room", "not for a");
		assertThat(b.next().message().asString()).isEqualTo("not for a");
		assertNothingMore(a);
	}

	@Test
	void userReachesEveryConnectionOfThatUserOnly() {
		AmbiorixConnection aliceTab1 = client("alice");
		AmbiorixConnection aliceTab2 = client("alice");
		AmbiorixConnection bob = client("bob");
		send(bob, "toUser", "alice", "hi alice");
		assertThat(aliceTab1.next().message().asString()).isEqualTo("hi alice");
		assertThat(aliceTab2.next().message().asString()).isEqualTo("hi alice");
		assertNothingMore(bob);
		assertThat(this.clients.user("alice").count()).isEqualTo(2);
		assertThat(this.clients.user("alice").members()).allSatisfy((m) -> assertThat(m.user()).isEqualTo("alice"));
	}

	@Test
	void sendByIdReachesThatClient() {
		AmbiorixConnection a = client(null);
		AmbiorixConnection b = client(null);
		String bId = call(b, "whoami", null).asString();
		send(a, "toClient", bId, "direct");
		assertThat(b.next().message().asString()).isEqualTo("direct");
		assertNothingMore(a);
	}

	@Test
	void aClientThatLeftAGroupGetsNothingMoreFromIt() {
		AmbiorixConnection a = client(null);
		AmbiorixConnection b = client(null);
		call(a, "join", "room");
		call(b, "join", "room");
		call(a, "leave", "room");
		assertThat(call(a, "groups", null)).isEmpty();
		send(b, "toGroup", "room", "after a left");
		assertThat(b.next().message().asString()).isEqualTo("after a left");
		assertNothingMore(a);
		assertThat(this.leaveEvents.events).singleElement()
			.satisfies((event) -> assertThat(event.group()).isEqualTo("room"));
	}

	@Test
	void aClosingClientLeavesEveryGroupAtOnceWithALeaveEventForEach() {
		AmbiorixConnection a = client(null);
		AmbiorixConnection b = client(null);
		String aId = call(a, "whoami", null).asString();
		call(a, "join", "one");
		call(a, "join", "two");
		call(a, "presence", "Ann");
		call(b, "join", "one");
		a.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.clients.group("one").count() == 1);
		assertThat(this.clients.group("two").count()).isZero();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.leaveEvents.events.size() == 2);
		assertThat(this.leaveEvents.events).extracting(MemberLeftEvent::group).containsExactlyInAnyOrder("one", "two");
		assertThat(this.leaveEvents.events).allSatisfy((event) -> {
			assertThat(event.member().clientId()).isEqualTo(aId);
			assertThat(event.member().presence().asString()).isEqualTo("Ann");
			assertThat(event.nodeLost()).isFalse();
		});
		send(b, "toGroup", "one", "still here");
		assertThat(b.next().message().asString()).isEqualTo("still here");
	}

	@Test
	void membersCarryThePresenceEachClientPublished() {
		AmbiorixConnection a = client("alice");
		AmbiorixConnection b = client(null);
		String aId = call(a, "whoami", null).asString();
		call(a, "join", "room");
		call(b, "join", "room");
		call(a, "presence", java.util.Map.of("nick", "Ally"));
		JsonNode members = call(b, "members", "room");
		assertThat(members).hasSize(2);
		JsonNode ally = null;
		for (JsonNode member : members) {
			if (member.get("clientId").asString().equals(aId)) {
				ally = member;
			}
		}
		assertThat(ally).isNotNull();
		assertThat(ally.get("user").asString()).isEqualTo("alice");
		assertThat(ally.get("presence").get("nick").asString()).isEqualTo("Ally");
		assertThat(call(b, "count", "room").asInt()).isEqualTo(2);
	}

	@Test
	void groupAndUserNamesAreValidated() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.clients.group(""));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.clients.user("x".repeat(ClientGroup.MAX_NAME_LENGTH + 1)));
		AmbiorixConnection a = client(null);
		assertThatExceptionOfType(AmbiorixErrorException.class).isThrownBy(() -> a.request("join", ""));
		assertThat(call(a, "groups", null)).isEmpty();
	}

	@Test
	void membershipMapsAreEmptyAfterAThousandClientsJoinedAndLeftOrClosed() throws Exception {
		int total = 1000;
		List<AmbiorixConnection> many = new ArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		try {
			List<Future<AmbiorixConnection>> opened = new ArrayList<>();
			for (int i = 0; i < total; i++) {
				String user = "user" + (i % 50);
				opened.add(pool.submit(() -> {
					AmbiorixConnection client = connect(this.port, user);
					call(client, "join", "everyone");
					call(client, "join", "room" + (client.hashCode() % 20));
					return client;
				}));
			}
			for (Future<AmbiorixConnection> client : opened) {
				many.add(client.get());
			}
			assertThat(this.clients.group("everyone").count()).isEqualTo(total);
			assertThat(this.localClients.userNames()).hasSize(50);
			List<Future<?>> gone = new ArrayList<>();
			for (int i = 0; i < total; i++) {
				AmbiorixConnection client = many.get(i);
				boolean leaveFirst = i % 2 == 0;
				gone.add(pool.submit(() -> {
					if (leaveFirst) {
						call(client, "leave", "everyone");
					}
					client.close();
				}));
			}
			for (Future<?> done : gone) {
				done.get();
			}
		}
		finally {
			pool.shutdownNow();
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> this.clients.count() == 0);
		assertThat(this.localClients.groupNames()).isEmpty();
		assertThat(this.localClients.userNames()).isEmpty();
		assertThat(this.clients.group("everyone").count()).isZero();
	}

}
