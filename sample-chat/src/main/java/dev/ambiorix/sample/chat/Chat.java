package dev.ambiorix.sample.chat;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import dev.ambiorix.spring.Member;
import dev.ambiorix.spring.Receive;
import dev.ambiorix.spring.WebSocketClient;
import dev.ambiorix.spring.WebSocketClients;
import dev.ambiorix.spring.event.ClientRecoveredEvent;
import dev.ambiorix.spring.event.MemberLeftEvent;
import dev.ambiorix.spring.InvalidMessageException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.event.EventListener;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.stereotype.Component;

/**
 * The whole chat server: rooms joined with a nickname, posts to a room, who is online in
 * each room (presence, on every node), the recent posts for a newcomer, and direct
 * messages between signed-in users. A signed-in user's nickname is their user name.
 */
@Component
class Chat implements DisposableBean {

	static final String DEFAULT_ROOM = "general";

	/**
	 * Control, bidi-override and zero-width characters would let a name pass for another.
	 */
	private static final String PRINTABLE = "[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]*";

	private static final String ROOM_PREFIX = "room:";

	/**
	 * What a page asks to join a room; a signed-in user's nickname is ignored.
	 */
	record Join(
			@Nullable @Size(max = 32) @Pattern(regexp = PRINTABLE,
					message = "must not contain control, bidi or zero-width characters") String nickname,
			@Nullable @Size(max = 32) @Pattern(regexp = "[\\p{L}\\p{N} _-]*",
					message = "may hold letters, digits, spaces, '-' and '_' only") String room,
			@Nullable @Size(max = 64) String person) {
	}

	record Say(@NotBlank String room, @NotBlank @Size(max = 500) String text) {
	}

	record Leave(@NotBlank String room) {
	}

	record Post(String room, String author, String text, Instant time) {
	}

	record Joined(String room, String nickname, List<Post> recent) {
	}

	record Direct(@NotBlank @Size(max = 64) String to, @NotBlank @Size(max = 500) String text) {
	}

	record DirectPost(String from, String to, String text, Instant time) {
	}

	/**
	 * Who the page's connection belongs to: a user name, or null when nobody signed in.
	 */
	record Me(@Nullable String user) {
	}

	record Online(String room, List<String> names) {
	}

	record Notice(String room, String text) {
	}

	/**
	 * What every node shows of a client: its nickname, and which person (browser) it is.
	 */
	record Presence(String nickname, String person) {
	}

	private final WebSocketClients clients;

	/** Recent posts of the rooms used lately, on this node. */
	private final Map<String, Deque<Post>> recent = new LinkedHashMap<>(16, 0.75f, true) {
		@Override
		protected boolean removeEldestEntry(Map.Entry<String, Deque<Post>> eldest) {
			return size() > 100;
		}
	};

	/**
	 * How long a leave waits before it is announced: a person back within it (a network
	 * blip, recovered or joined again) was never announced gone.
	 */
	private final Duration leaveNoticeDelay;

	/** Leave notices waiting, by room and person. */
	private final Map<String, ScheduledFuture<?>> leaving = new LinkedHashMap<>();

	private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "chat-leave-notices");
		thread.setDaemon(true);
		return thread;
	});

	Chat(WebSocketClients clients, @Value("${chat.leave-notice-delay:5s}") Duration leaveNoticeDelay) {
		this.clients = clients;
		this.leaveNoticeDelay = leaveNoticeDelay;
	}

	/**
	 * Tells the page who signed in, so that it shows the user's name as the nickname.
	 */
	@Receive("me")
	Me me(@Nullable Principal user) {
		return new Me((user != null) ? user.getName() : null);
	}

	/**
	 * Joins a room, and answers with its last 50 posts so that a newcomer sees the
	 * conversation. A signed-in user joins under their user name, whatever the page sent,
	 * and all their tabs are one person.
	 */
	@Receive("join")
	synchronized Joined join(@Valid Join join, WebSocketClient client, @Nullable Principal user) {
		String room = roomName(join.room());
		String nickname = (user != null) ? user.getName() : (join.nickname() != null) ? join.nickname().strip() : "";
		if (nickname.isEmpty()) {
			throw new InvalidMessageException("nickname: must not be blank");
		}
		Presence before = presence(client.presence());
		String person = (user != null) ? "user:" + user.getName() : (join.person() != null && !join.person().isBlank())
				? join.person() : (before != null) ? before.person() : client.id();
		List<Presence> present = present(room);
		boolean taken = present.stream()
			.anyMatch((other) -> other.nickname().equalsIgnoreCase(nickname) && !other.person().equals(person));
		if (taken) {
			throw new InvalidMessageException("nickname: '" + nickname + "' is taken in this room");
		}
		boolean alreadyHere = present.stream().anyMatch((other) -> other.person().equals(person));
		// Back before the leave was announced: neither "left" nor "joined".
		ScheduledFuture<?> leave = this.leaving.remove(room + "\n" + person);
		boolean comingBack = leave != null && leave.cancel(false);
		client.setPresence(new Presence(nickname, person));
		client.join(ROOM_PREFIX + room);
		if (!alreadyHere && !comingBack) {
			this.clients.group(ROOM_PREFIX + room)
				.broadcastExcept(client, "notice", new Notice(room, nickname + " joined"));
		}
		broadcastOnline(room);
		return new Joined(room, nickname, List.copyOf(this.recent.getOrDefault(room, new ArrayDeque<>())));
	}

	/**
	 * Posts to a room the client has joined, and answers with the post as the others got
	 * it.
	 */
	@Receive("say")
	synchronized Post say(@Valid Say say, WebSocketClient client) {
		String room = roomName(say.room());
		Presence presence = presence(client.presence());
		if (presence == null || !client.groups().contains(ROOM_PREFIX + room)) {
			throw new InvalidMessageException("room: join '" + room + "' before you say something there");
		}
		Post post = new Post(room, presence.nickname(), say.text().strip(), Instant.now());
		Deque<Post> posts = this.recent.computeIfAbsent(room, (name) -> new ArrayDeque<>());
		posts.addLast(post);
		if (posts.size() > 50) {
			posts.removeFirst();
		}
		this.clients.group(ROOM_PREFIX + room).broadcastExcept(client, "post", post);
		return post;
	}

	/**
	 * Sends a direct message from a signed-in user to another, to all of the recipient's
	 * tabs and the sender's other tabs, on every node; answers with the message as sent.
	 */
	@Receive("direct")
	DirectPost direct(@Valid Direct direct, WebSocketClient client, @Nullable Principal user) {
		if (user == null) {
			throw new AccessDeniedException("direct messages are for signed-in users");
		}
		String to = direct.to().strip();
		if (this.clients.user(to).count() == 0) {
			throw new InvalidMessageException("to: '" + to + "' is not online");
		}
		DirectPost post = new DirectPost(user.getName(), to, direct.text().strip(), Instant.now());
		if (!to.equals(post.from())) {
			this.clients.user(to).broadcast("direct", post);
		}
		this.clients.user(post.from()).broadcastExcept(client, "direct", post);
		return post;
	}

	@Receive("leave")
	void leave(@Valid Leave leave, WebSocketClient client) {
		client.leave(ROOM_PREFIX + roomName(leave.room()));
	}

	/**
	 * Someone left a room: they left it, closed the page, lost their connection or their
	 * node. The online list says so at once; the notice waits for the leave notice delay,
	 * and is not given when the person is back by then. The members of a lost node are
	 * announced by every node that survives it, so each of those tells its own clients
	 * only: everyone hears of it once.
	 */
	@EventListener
	synchronized void left(MemberLeftEvent event) {
		if (!event.group().startsWith(ROOM_PREFIX)) {
			return;
		}
		String room = event.group().substring(ROOM_PREFIX.length());
		Presence presence = presence(event.member().presence());
		if (presence != null && !isPresent(room, presence.person())) {
			String key = room + "\n" + presence.person();
			ScheduledFuture<?> earlier = this.leaving.remove(key);
			if (earlier != null) {
				earlier.cancel(false);
			}
			this.leaving.put(key, this.timer.schedule(() -> announceLeave(key, room, presence, event.nodeLost()),
					this.leaveNoticeDelay.toMillis(), TimeUnit.MILLISECONDS));
		}
		if (event.nodeLost()) {
			sendToLocalMembers(room, "online", online(room));
		}
		else {
			broadcastOnline(room);
		}
	}

	/**
	 * A client came back within the recovery window, in its rooms again: it is online,
	 * and its leave is not announced.
	 */
	@EventListener
	synchronized void recovered(ClientRecoveredEvent event) {
		Presence presence = presence(event.client().presence());
		for (String group : event.client().groups()) {
			if (group.startsWith(ROOM_PREFIX)) {
				String room = group.substring(ROOM_PREFIX.length());
				if (presence != null) {
					ScheduledFuture<?> leave = this.leaving.remove(room + "\n" + presence.person());
					if (leave != null) {
						leave.cancel(false);
					}
				}
				broadcastOnline(room);
			}
		}
	}

	private synchronized void announceLeave(String key, String room, Presence presence, boolean nodeLost) {
		if (this.leaving.remove(key) == null || isPresent(room, presence.person())) {
			return;
		}
		Notice notice = new Notice(room, presence.nickname() + " left");
		if (nodeLost) {
			sendToLocalMembers(room, "notice", notice);
		}
		else {
			this.clients.group(ROOM_PREFIX + room).broadcast("notice", notice);
		}
	}

	private void sendToLocalMembers(String room, String name, Object message) {
		for (WebSocketClient local : this.clients.all()) {
			if (local.groups().contains(ROOM_PREFIX + room)) {
				local.send(name, message);
			}
		}
	}

	private boolean isPresent(String room, String person) {
		return present(room).stream().anyMatch((other) -> other.person().equals(person));
	}

	@Override
	public void destroy() {
		this.timer.shutdownNow();
	}

	private void broadcastOnline(String room) {
		this.clients.group(ROOM_PREFIX + room).broadcast("online", online(room));
	}

	private Online online(String room) {
		List<String> names = present(room).stream()
			.map(Presence::nickname)
			.distinct()
			.sorted(String.CASE_INSENSITIVE_ORDER)
			.toList();
		return new Online(room, names);
	}

	/**
	 * The people in a room on every node, one entry per person however many tabs they
	 * have.
	 */
	private List<Presence> present(String room) {
		return this.clients.group(ROOM_PREFIX + room)
			.members()
			.stream()
			.map(Member::presence)
			.map(Chat::presence)
			.filter(Objects::nonNull)
			.sorted(Comparator.comparing(Presence::person))
			.toList();
	}

	private static @Nullable Presence presence(@Nullable JsonNode node) {
		if (node == null || !node.isObject() || !node.path("nickname").isString() || !node.path("person").isString()) {
			return null;
		}
		return new Presence(node.path("nickname").stringValue(), node.path("person").stringValue());
	}

	private static String roomName(@Nullable String room) {
		String name = (room != null) ? room.strip() : "";
		return name.isEmpty() ? DEFAULT_ROOM : name.toLowerCase(java.util.Locale.ROOT);
	}

}
