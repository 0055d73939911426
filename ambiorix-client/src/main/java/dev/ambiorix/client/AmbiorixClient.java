package dev.ambiorix.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of an Ambiorix server, ours or Ambiorix's own R server: sends named messages,
 * receives them by name, and asks for replies; reconnects with backoff. Thread-safe.
 * <p>
 * Built like the JDK's {@code HttpClient}: <pre>{@code
 * AmbiorixClient client = AmbiorixClient.builder(URI.create("ws://localhost:8080/")).build();
 * client.receive("news", String.class, System.out::println);
 * client.connect().join();
 * client.send("chat", new ChatMessage("ada", "hello"));
 * int next = client.request("increment", 41, Integer.class).join();
 * client.close();
 * }</pre>
 * <p>
 * Every method may be called from any thread. Frames leave in the order the calls
 * returned; while the client is not connected they wait in a bounded queue and go out, in
 * order, as soon as a connection opens. Handlers and {@link ConnectionListener} callbacks
 * run on the {@linkplain Builder#executor(Executor) executor}, one at a time, in the
 * order their frames and events arrived. Request futures complete on the same executor,
 * outside that order, so a handler may wait for a request's reply.
 * <p>
 * The client speaks protocol version 1 and needs none of our server's extensions: against
 * a server that never replies to requests, such as Ambiorix's R server, build it with
 * {@link Builder#protocolExtensions(boolean) protocolExtensions(false)}, and it sends
 * only what such a server accepts.
 * <p>
 * Against our server the client recovers after a reconnect (SPEC section 7): same
 * {@linkplain #id() id}, every message missed delivered once and in order, then
 * {@link ConnectionListener#onRecovered(boolean, String)}; see
 * {@link Builder#recovery(boolean)}.
 */
public final class AmbiorixClient implements AutoCloseable {

	private static final AtomicInteger clientCount = new AtomicInteger();

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final URI uri;

	private final HttpClient http;

	private final List<Map.Entry<String, String>> headers;

	private final List<String> subprotocols;

	private final Duration connectTimeout;

	private final Duration requestTimeout;

	private final ReconnectPolicy reconnect;

	private final int queueLimit;

	private final Duration heartbeatInterval;

	private final Duration heartbeatTimeout;

	private final boolean protocolExtensions;

	private final List<ConnectionListener> listeners;

	private final EnvelopeCodec codec;

	private final Executor executor;

	private final Executor callbacks;

	private final @Nullable ExecutorService ownedExecutor;

	private final ScheduledThreadPoolExecutor scheduler;

	private final ConnectionHandshake handshake;

	private final @Nullable Recovery recovery;

	private final ConcurrentMap<String, Consumer<JsonNode>> receivers = new ConcurrentHashMap<>();

	private final ConcurrentMap<Long, PendingRequest> pending = new ConcurrentHashMap<>();

	private final AtomicLong ids = new AtomicLong();

	private volatile @Nullable BiConsumer<String, JsonNode> anyReceiver;

	private final CompletableFuture<AmbiorixClient> firstOpen = new CompletableFuture<>();

	private volatile boolean serverRepliedToRequest;

	private final Object lock = new Object();

	// Guarded by lock from here on.

	private State state = State.IDLE;

	private @Nullable WebSocket socket;

	private CompletableFuture<?> writes = CompletableFuture.completedFuture(null);

	private final ArrayDeque<Outbound> queue = new ArrayDeque<>();

	private int attempt;

	private @Nullable Future<?> reconnectTimer;

	private AmbiorixClient(Builder builder) {
		this.uri = builder.uri;
		this.http = (builder.httpClient != null) ? builder.httpClient : HttpClient.newHttpClient();
		this.headers = List.copyOf(builder.headers);
		this.subprotocols = List.copyOf(builder.subprotocols);
		this.connectTimeout = builder.connectTimeout;
		this.requestTimeout = builder.requestTimeout;
		this.reconnect = builder.reconnect;
		this.queueLimit = builder.queueLimit;
		this.heartbeatInterval = builder.heartbeatInterval;
		this.heartbeatTimeout = builder.heartbeatTimeout;
		this.protocolExtensions = builder.protocolExtensions;
		this.listeners = List.copyOf(builder.listeners);
		// Fail now, not at the first connection, for a header the JDK refuses.
		WebSocket.Builder check = this.http.newWebSocketBuilder();
		this.headers.forEach((header) -> check.header(header.getKey(), header.getValue()));
		this.codec = new EnvelopeCodec(
				(builder.jsonMapper != null) ? builder.jsonMapper : JsonMapper.builder().build());
		int number = clientCount.incrementAndGet();
		if (builder.executor != null) {
			this.executor = builder.executor;
			this.ownedExecutor = null;
		}
		else {
			ExecutorService owned = Executors.newCachedThreadPool(daemon("ambiorix-client-" + number + "-"));
			this.executor = owned;
			this.ownedExecutor = owned;
		}
		this.callbacks = new SerialExecutor(this.executor);
		this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("ambiorix-client-" + number + "-timer-"));
		this.scheduler.setRemoveOnCancelPolicy(true);
		this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		if (builder.recovery && builder.protocolExtensions) {
			this.recovery = new Recovery(this.codec, this::answered);
			this.handshake = this.recovery;
		}
		else {
			this.recovery = null;
			this.handshake = ConnectionHandshake.NONE;
		}
	}

	/**
	 * Start building a client of the server at a WebSocket URI.
	 * @param uri the server's {@code ws://} or {@code wss://} URI; Ambiorix serves at
	 * {@code /}
	 * @return a builder
	 */
	public static Builder builder(URI uri) {
		return new Builder(uri);
	}

	/**
	 * Return the URI of the server.
	 * @return the URI
	 */
	public URI uri() {
		return this.uri;
	}

	/**
	 * Connect, if the client has not connected yet; reconnects after that are automatic.
	 * @return a future completed with this client when the first connection opens, or
	 * failed when the client is closed first or, with {@link ReconnectPolicy#none()},
	 * when the attempt fails (an {@link AmbiorixDisconnectedException} whose cause is the
	 * failure, such as the JDK's {@code WebSocketHandshakeException} with the server's
	 * response when it refused the upgrade); it never times out by itself, so bound it
	 * with {@link CompletableFuture#get(long, TimeUnit)} or {@code orTimeout}
	 */
	public CompletableFuture<AmbiorixClient> connect() {
		synchronized (this.lock) {
			if (this.state == State.IDLE) {
				this.state = State.CONNECTING;
				openLocked();
			}
		}
		return this.firstOpen.copy();
	}

	/**
	 * Return the client id the server gave, the same after a recovered reconnect, as
	 * {@code WebSocketClient.id()} on our server.
	 * @return the id, or {@code null} before the server's welcome or when recovery is off
	 */
	public @Nullable String id() {
		Recovery recovery = this.recovery;
		return (recovery != null) ? recovery.clientId() : null;
	}

	/**
	 * Return whether a connection is open right now.
	 * @return {@code true} if frames go out at once, {@code false} if they are queued or
	 * the client is closed
	 */
	public boolean isOpen() {
		synchronized (this.lock) {
			return this.state == State.OPEN;
		}
	}

	/**
	 * Return the subprotocol the server chose for the open connection, among those the
	 * client {@linkplain Builder#subprotocols(String, String...) offered}.
	 * @return the subprotocol, or an empty string if the server chose none or no
	 * connection is open
	 */
	public String subprotocol() {
		synchronized (this.lock) {
			WebSocket socket = this.socket;
			return (socket != null && this.state == State.OPEN) ? socket.getSubprotocol() : "";
		}
	}

	/**
	 * Return how many sends and requests are waiting for a connection.
	 * @return the number of queued frames
	 */
	public int queued() {
		synchronized (this.lock) {
			return this.queue.size();
		}
	}

	/**
	 * Send a message, like Ambiorix's {@code send(name, message)}; queued while the
	 * client is not connected.
	 * @param name the name the server routes by
	 * @param message the message, written as JSON with the client's mapper; may be
	 * {@code null}
	 * @throws AmbiorixQueueFullException if the client is not connected and its queue is
	 * full
	 * @throws IllegalStateException if the client is closed
	 * @throws JacksonException if the message cannot be written as JSON
	 */
	public void send(String name, @Nullable Object message) {
		Objects.requireNonNull(name, "name");
		transmit(new Outbound(this.codec.write(name, message, null), null));
	}

	/**
	 * Handle messages with this name, converted to a class; one handler per name, as in
	 * Ambiorix, so this replaces an earlier one.
	 * @param <T> the message type
	 * @param name the name
	 * @param type the class the message converts to with the client's mapper
	 * @param handler called on the executor with each message, {@code null} for a JSON
	 * {@code null}
	 * @return this client
	 */
	public <T> AmbiorixClient receive(String name, Class<T> type, Consumer<? super @Nullable T> handler) {
		return receive(name, this.codec.mapper().constructType(type), handler);
	}

	/**
	 * Handle messages with this name, converted to a generic type such as {@code new
	 * TypeReference<List<Person>>() {}}; replaces an earlier handler of the name.
	 * @param <T> the message type
	 * @param name the name
	 * @param type the type the message converts to with the client's mapper
	 * @param handler called on the executor with each message, {@code null} for a JSON
	 * {@code null}
	 * @return this client
	 */
	public <T> AmbiorixClient receive(String name, TypeReference<T> type, Consumer<? super @Nullable T> handler) {
		return receive(name, this.codec.mapper().constructType(type), handler);
	}

	private <T> AmbiorixClient receive(String name, JavaType type, Consumer<? super @Nullable T> handler) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(handler, "handler");
		JsonMapper mapper = this.codec.mapper();
		this.receivers.put(name, (message) -> {
			T value;
			try {
				value = mapper.treeToValue(message, type);
			}
			catch (JacksonException ex) {
				throw new AmbiorixException("invalid_message",
						"message '" + name + "' does not convert to " + type + ": " + ex.getOriginalMessage(), ex);
			}
			handler.accept(value);
		});
		return this;
	}

	/**
	 * Also hand every message, whatever its name, to one handler, like Socket.IO's
	 * {@code onAnyIncoming}: for logging, or a test that records all it receives. It runs
	 * before the name's own handler; replies to requests are not messages and do not
	 * reach it. Replaces an earlier one.
	 * @param handler called on the executor with each message's name and JSON value, or
	 * {@code null} to remove it
	 * @return this client
	 */
	public AmbiorixClient receiveAny(@Nullable BiConsumer<String, JsonNode> handler) {
		this.anyReceiver = handler;
		return this;
	}

	/**
	 * Stop handling messages with this name.
	 * @param name the name
	 * @return this client
	 */
	public AmbiorixClient off(String name) {
		this.receivers.remove(name);
		return this;
	}

	/**
	 * Send a message and wait for the reply, with the default request timeout.
	 * @param <T> the reply type
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 * @param replyType the class the reply's message converts to
	 * @return the reply's message, or a failure as described for
	 * {@link #request(String, Object, Class, Duration)}
	 */
	public <T> CompletableFuture<@Nullable T> request(String name, @Nullable Object message, Class<T> replyType) {
		return request(name, message, replyType, this.requestTimeout);
	}

	/**
	 * Send a message and wait for the reply, like Socket.IO's {@code emit} with an
	 * acknowledgement: the frame carries an {@code id} and the server's reply carries it
	 * back.
	 * @param <T> the reply type
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 * @param replyType the class the reply's message converts to
	 * @param timeout how long to wait for the reply, counted from now, queueing included
	 * @return a future completed with the reply's message, or failed with an
	 * {@link AmbiorixErrorException} carrying the server's error code, an
	 * {@link AmbiorixTimeoutException}, an {@link AmbiorixDisconnectedException} when the
	 * connection the request went out on was lost or the client closed, an
	 * {@link AmbiorixQueueFullException}, an {@link AmbiorixUnsupportedException} when
	 * the client was built with {@code protocolExtensions(false)}, or an
	 * {@link AmbiorixException} with code {@code invalid_reply} when the reply does not
	 * convert
	 * @throws JacksonException if the message cannot be written as JSON
	 */
	public <T> CompletableFuture<@Nullable T> request(String name, @Nullable Object message, Class<T> replyType,
			Duration timeout) {
		return request(name, message, this.codec.mapper().constructType(replyType), timeout);
	}

	/**
	 * Send a message and wait for a reply of a generic type, with the default request
	 * timeout.
	 * @param <T> the reply type
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 * @param replyType the type the reply's message converts to
	 * @return the reply's message, or a failure as described for
	 * {@link #request(String, Object, Class, Duration)}
	 */
	public <T> CompletableFuture<@Nullable T> request(String name, @Nullable Object message,
			TypeReference<T> replyType) {
		return request(name, message, replyType, this.requestTimeout);
	}

	/**
	 * Send a message and wait for a reply of a generic type.
	 * @param <T> the reply type
	 * @param name the name the server routes by
	 * @param message the message; may be {@code null}
	 * @param replyType the type the reply's message converts to
	 * @param timeout how long to wait for the reply
	 * @return the reply's message, or a failure as described for
	 * {@link #request(String, Object, Class, Duration)}
	 */
	public <T> CompletableFuture<@Nullable T> request(String name, @Nullable Object message, TypeReference<T> replyType,
			Duration timeout) {
		return request(name, message, this.codec.mapper().constructType(replyType), timeout);
	}

	@SuppressWarnings("unchecked")
	private <T> CompletableFuture<@Nullable T> request(String name, @Nullable Object message, JavaType replyType,
			Duration timeout) {
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(timeout, "timeout");
		if (!this.protocolExtensions) {
			return CompletableFuture.failedFuture(new AmbiorixUnsupportedException("server does not reply to requests: "
					+ "this client was built with protocolExtensions(false) for a protocol version 1 server "
					+ "(such as Ambiorix's R server), which never echoes a request's id; use send() and receive()"));
		}
		long id = this.ids.incrementAndGet();
		PendingRequest request = new PendingRequest(id, name, replyType);
		String text = this.codec.write(name, message, id);
		this.pending.put(id, request);
		// However the future ends, even cancelled by the caller, the request is
		// forgotten.
		request.future.whenComplete((value, failure) -> {
			this.pending.remove(id, request);
			request.cancelTimeout();
		});
		try {
			request.timeout = this.scheduler.schedule(() -> expire(request, timeout), timeout.toNanos(),
					TimeUnit.NANOSECONDS);
			transmit(new Outbound(text, request));
		}
		catch (AmbiorixException ex) {
			request.future.completeExceptionally(ex);
		}
		catch (IllegalStateException | RejectedExecutionException ex) {
			request.future.completeExceptionally(closedException());
		}
		return (CompletableFuture<@Nullable T>) (CompletableFuture<?>) request.future;
	}

	/**
	 * Close the connection for good (code 1000): no reconnect; queued sends are dropped
	 * and pending requests fail with code {@code closed}. Returns at once; idempotent.
	 */
	@Override
	public void close() {
		WebSocket socket;
		synchronized (this.lock) {
			if (this.state == State.CLOSED) {
				return;
			}
			this.state = State.CLOSED;
			cancelReconnectLocked();
			socket = this.socket;
			this.queue.clear();
		}
		failPending(null, closedException());
		this.firstOpen.completeExceptionally(closedException());
		if (socket == null) {
			finish();
			return;
		}
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
		// The server should answer the close; if it does not, stop waiting.
		schedule(() -> {
			socket.abort();
			closed(socket, 1006, "no close frame from the server", null);
		}, CLOSE_TIMEOUT);
	}

	// What the frame listener reports, on the JDK's threads.

	void opened(WebSocket socket, Heartbeat heartbeat) {
		synchronized (this.lock) {
			if (this.state == State.CLOSED) {
				socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
				return;
			}
			heartbeat.start(this.scheduler, socket, this::silent);
			this.state = State.OPEN;
			this.socket = socket;
			this.attempt = 0;
			this.writes = CompletableFuture.completedFuture(null);
			this.handshake.opened((text) -> writeLocked(new Outbound(text, null)));
			while (!this.queue.isEmpty()) {
				Outbound item = this.queue.poll();
				// A request that timed out while queued is never sent.
				if (item.request == null || !item.request.future.isDone()) {
					writeLocked(item);
				}
			}
		}
		emit((listener) -> listener.onOpen(this));
		complete(this.firstOpen, this);
	}

	/**
	 * The heartbeat found the connection dead: no frame at all, not even a pong, long
	 * after a ping. Drop it and reconnect, as for any lost connection.
	 */
	private void silent(WebSocket socket) {
		socket.abort();
		closed(socket, 1006, "no answer to the heartbeat", null);
	}

	void received(WebSocket socket, String text) {
		EnvelopeCodec.Inbound envelope = this.codec.read(text);
		if (envelope == null || this.handshake.intercept(envelope)) {
			return;
		}
		if (envelope.id() != null) {
			// Only replies carry an id; one nobody waits for (late, or not ours) is
			// dropped, never mistaken for a message.
			this.serverRepliedToRequest = true;
			Long id = envelope.requestId();
			PendingRequest request = (id != null) ? this.pending.remove(id) : null;
			if (request != null) {
				request.cancelTimeout();
				runOnExecutor(() -> settle(request, envelope));
			}
			return;
		}
		if (envelope.isError()) {
			AmbiorixErrorException error = this.codec.error(envelope.message());
			emit((listener) -> listener.onError(error));
		}
		BiConsumer<String, JsonNode> any = this.anyReceiver;
		if (any != null) {
			this.callbacks.execute(() -> {
				try {
					any.accept(envelope.name(), envelope.message());
				}
				catch (RuntimeException ex) {
					notifyError(ex);
				}
			});
		}
		Consumer<JsonNode> receiver = this.receivers.get(envelope.name());
		if (receiver != null) {
			this.callbacks.execute(() -> {
				try {
					receiver.accept(envelope.message());
				}
				catch (RuntimeException ex) {
					notifyError(ex);
				}
			});
		}
	}

	void closed(WebSocket socket, int code, String reason, @Nullable Throwable error) {
		boolean finished;
		synchronized (this.lock) {
			if (this.socket != socket) {
				// Not the current connection: already handled, or never adopted.
				return;
			}
			this.socket = null;
			finished = (this.state == State.CLOSED);
			if (!finished) {
				this.state = State.RECONNECTING;
			}
		}
		this.handshake.lost();
		if (!finished && this.reconnect.enabled() && this.handshake.canResume()) {
			// The reply may come in the replay; the answer to the next hello settles it.
			awaitRecovery(socket);
		}
		else {
			failPending(socket, new AmbiorixDisconnectedException("disconnected",
					"connection lost (" + code + ((reason.isEmpty()) ? "" : " " + reason) + ") before the reply"));
		}
		if (error != null) {
			emit((listener) -> listener.onError(error));
		}
		emit((listener) -> listener.onClose(code, reason));
		if (finished) {
			finish();
		}
		else {
			synchronized (this.lock) {
				scheduleReconnectLocked(null);
			}
		}
	}

	private void connectFailed(Throwable error) {
		Throwable cause = (error.getCause() != null) ? error.getCause() : error;
		synchronized (this.lock) {
			if (this.state == State.CLOSED || this.socket != null) {
				return;
			}
		}
		emit((listener) -> listener.onError(cause));
		synchronized (this.lock) {
			scheduleReconnectLocked(cause);
		}
	}

	// Internals, under the lock where named so.

	private void openLocked() {
		WebSocket.Builder builder = this.http.newWebSocketBuilder().connectTimeout(this.connectTimeout);
		this.headers.forEach((header) -> builder.header(header.getKey(), header.getValue()));
		if (!this.subprotocols.isEmpty()) {
			builder.subprotocols(this.subprotocols.get(0),
					this.subprotocols.subList(1, this.subprotocols.size()).toArray(String[]::new));
		}
		Heartbeat heartbeat = new Heartbeat(this.heartbeatInterval, this.heartbeatTimeout);
		builder.buildAsync(this.uri, new FrameListener(this, heartbeat)).whenComplete((socket, failure) -> {
			if (failure != null) {
				connectFailed(failure);
			}
		});
	}

	private void scheduleReconnectLocked(@Nullable Throwable connectFailure) {
		if (this.state == State.CLOSED) {
			return;
		}
		if (!this.reconnect.enabled()) {
			giveUpLocked(connectFailure);
			return;
		}
		Duration delay = this.reconnect.delay(this.attempt, ThreadLocalRandom.current()::nextDouble);
		this.attempt++;
		int attempt = this.attempt;
		this.state = State.RECONNECTING;
		try {
			this.reconnectTimer = this.scheduler.schedule(this::reconnectNow, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			return;
		}
		emit((listener) -> listener.onReconnect(attempt, delay));
	}

	private void reconnectNow() {
		synchronized (this.lock) {
			if (this.state != State.RECONNECTING) {
				return;
			}
			this.reconnectTimer = null;
			this.state = State.CONNECTING;
			openLocked();
		}
	}

	private void giveUpLocked(@Nullable Throwable connectFailure) {
		// Without reconnect, a lost connection ends the client, as close() does.
		this.state = State.CLOSED;
		this.queue.clear();
		AmbiorixDisconnectedException failure = (connectFailure != null)
				? new AmbiorixDisconnectedException("disconnected",
						"could not connect and reconnect is off: " + connectFailure, connectFailure)
				: new AmbiorixDisconnectedException("disconnected", "connection lost and reconnect is off");
		runOnExecutor(() -> {
			failPending(null, failure);
			this.firstOpen.completeExceptionally(failure);
			finish();
		});
	}

	private void cancelReconnectLocked() {
		Future<?> timer = this.reconnectTimer;
		if (timer != null) {
			timer.cancel(false);
		}
		this.reconnectTimer = null;
	}

	private void transmit(Outbound item) {
		synchronized (this.lock) {
			if (this.state == State.CLOSED) {
				throw new IllegalStateException("client is closed");
			}
			if (this.state == State.OPEN) {
				writeLocked(item);
				return;
			}
			if (this.queue.size() >= this.queueLimit) {
				throw new AmbiorixQueueFullException(this.queueLimit);
			}
			this.queue.add(item);
		}
	}

	private void writeLocked(Outbound item) {
		WebSocket socket = this.socket;
		if (socket == null) {
			return;
		}
		if (item.request != null) {
			item.request.socket = socket;
		}
		// The JDK allows one outstanding send per WebSocket: chain them, in call order.
		// A failed write means the connection is going; its close fails the requests.
		this.writes = this.writes.exceptionally((ignored) -> null)
			.thenCompose((ignored) -> socket.sendText(item.text, true));
	}

	private void expire(PendingRequest request, Duration timeout) {
		if (!this.pending.remove(request.id, request)) {
			return;
		}
		String message = "no reply to '" + request.name + "' within " + timeout.toMillis() + " ms";
		if (!this.serverRepliedToRequest) {
			message += "; the server has not replied to any request yet: a protocol version 1 server "
					+ "(such as Ambiorix's R server) never does, so build the client with protocolExtensions(false)";
		}
		fail(request.future, new AmbiorixTimeoutException(message, timeout));
	}

	private void settle(PendingRequest request, EnvelopeCodec.Inbound reply) {
		if (reply.isError()) {
			request.future.completeExceptionally(this.codec.error(reply.message()));
			return;
		}
		try {
			request.future.complete(this.codec.mapper().treeToValue(reply.message(), request.replyType));
		}
		catch (JacksonException ex) {
			request.future.completeExceptionally(new AmbiorixException("invalid_reply", "reply to '" + request.name
					+ "' does not convert to " + request.replyType + ": " + ex.getOriginalMessage(), ex));
		}
	}

	/**
	 * Fail the pending requests written to one connection, or all of them.
	 */
	private void failPending(@Nullable WebSocket socket, AmbiorixException failure) {
		Iterator<PendingRequest> requests = this.pending.values().iterator();
		List<PendingRequest> failed = new ArrayList<>();
		while (requests.hasNext()) {
			PendingRequest request = requests.next();
			if (socket == null || request.socket == socket) {
				if (this.pending.remove(request.id, request)) {
					failed.add(request);
				}
			}
		}
		failed.forEach((request) -> fail(request.future, failure));
	}

	private void awaitRecovery(WebSocket socket) {
		for (PendingRequest request : this.pending.values()) {
			if (request.socket == socket) {
				request.awaitingRecovery = true;
				request.socket = null;
			}
		}
	}

	/**
	 * The server answered a hello; called by {@link Recovery} on the JDK's thread, before
	 * the frames that follow the answer.
	 */
	private void answered(boolean recovered, @Nullable String reason, boolean tell) {
		// The replay is complete: a reply that did not come in it will not come.
		AmbiorixDisconnectedException failure = new AmbiorixDisconnectedException("disconnected",
				"connection lost before the reply, and " + (recovered ? "the recovery did not replay it"
						: "the session was not recovered (" + reason + ")"));
		List<PendingRequest> failed = new ArrayList<>();
		for (PendingRequest request : this.pending.values()) {
			if (request.awaitingRecovery && this.pending.remove(request.id, request)) {
				failed.add(request);
			}
		}
		failed.forEach((request) -> fail(request.future, failure));
		if (tell) {
			emit((listener) -> listener.onRecovered(recovered, reason));
		}
	}

	private AmbiorixDisconnectedException closedException() {
		return new AmbiorixDisconnectedException("closed", "the client is closed");
	}

	private void emit(Consumer<ConnectionListener> event) {
		for (ConnectionListener listener : this.listeners) {
			this.callbacks.execute(() -> {
				try {
					event.accept(listener);
				}
				catch (RuntimeException ex) {
					// A listener that throws is not told about itself, to avoid a loop.
				}
			});
		}
	}

	private void notifyError(Throwable error) {
		for (ConnectionListener listener : this.listeners) {
			try {
				listener.onError(error);
			}
			catch (RuntimeException ex) {
				// As in emit.
			}
		}
	}

	private <T> void complete(CompletableFuture<T> future, T value) {
		runOnExecutor(() -> future.complete(value));
	}

	private void fail(CompletableFuture<?> future, Throwable failure) {
		runOnExecutor(() -> future.completeExceptionally(failure));
	}

	private void runOnExecutor(Runnable task) {
		try {
			this.executor.execute(task);
		}
		catch (RejectedExecutionException ex) {
			task.run();
		}
	}

	private void schedule(Runnable task, Duration delay) {
		try {
			this.scheduler.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// Already finished.
		}
	}

	private void finish() {
		this.scheduler.shutdownNow();
		ExecutorService owned = this.ownedExecutor;
		if (owned != null) {
			// After the callbacks already submitted, the close event included.
			this.callbacks.execute(owned::shutdown);
		}
	}

	private static ThreadFactory daemon(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	@Override
	public String toString() {
		synchronized (this.lock) {
			return "AmbiorixClient[" + this.uri + ", " + this.state + "]";
		}
	}

	private enum State {

		IDLE, CONNECTING, OPEN, RECONNECTING, CLOSED

	}

	/**
	 * A frame waiting to be written, and the request it belongs to, if any.
	 */
	private record Outbound(String text, @Nullable PendingRequest request) {
	}

	/**
	 * Builds an {@link AmbiorixClient}; not thread-safe, as builders are not.
	 */
	public static final class Builder {

		private static final Set<String> RESTRICTED_HEADERS = Set.of("connection", "content-length", "expect", "host",
				"upgrade", "sec-websocket-accept", "sec-websocket-extensions", "sec-websocket-key",
				"sec-websocket-protocol", "sec-websocket-version");

		private final URI uri;

		private final List<Map.Entry<String, String>> headers = new ArrayList<>();

		private final List<String> subprotocols = new ArrayList<>();

		private Duration connectTimeout = Duration.ofSeconds(10);

		private Duration requestTimeout = Duration.ofSeconds(10);

		private ReconnectPolicy reconnect = ReconnectPolicy.defaults();

		private int queueLimit = 1000;

		private Duration heartbeatInterval = Duration.ofSeconds(25);

		private Duration heartbeatTimeout = Duration.ofSeconds(10);

		private boolean protocolExtensions = true;

		private boolean recovery = true;

		private final List<ConnectionListener> listeners = new ArrayList<>();

		private @Nullable Executor executor;

		private @Nullable JsonMapper jsonMapper;

		private @Nullable HttpClient httpClient;

		private Builder(URI uri) {
			Objects.requireNonNull(uri, "uri");
			String scheme = uri.getScheme();
			if (!"ws".equalsIgnoreCase(scheme) && !"wss".equalsIgnoreCase(scheme)) {
				throw new IllegalArgumentException("uri must be ws:// or wss://, not " + uri);
			}
			this.uri = uri;
		}

		/**
		 * Add a header to the opening handshake, such as {@code Authorization} or
		 * {@code Cookie}.
		 * @param name the header name
		 * @param value the header value
		 * @return this builder
		 * @throws IllegalArgumentException for a header the JDK sets itself
		 * ({@code Upgrade}, {@code Host}, the {@code Sec-WebSocket-*} headers...)
		 */
		public Builder header(String name, String value) {
			Objects.requireNonNull(name, "name");
			Objects.requireNonNull(value, "value");
			// The JDK refuses these only when connecting, where it would fail every
			// attempt.
			if (RESTRICTED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
				throw new IllegalArgumentException("The JDK's WebSocket sets header '" + name + "' itself"
						+ (name.equalsIgnoreCase("Sec-WebSocket-Protocol") ? "; use subprotocols(...)" : ""));
			}
			this.headers.add(Map.entry(name, value));
			return this;
		}

		/**
		 * Offer subprotocols in {@code Sec-WebSocket-Protocol}, most preferred first: the
		 * way browsers pass a bearer token, in the form the server expects.
		 * @param mostPreferred the first subprotocol
		 * @param lesserPreferred the others
		 * @return this builder
		 */
		public Builder subprotocols(String mostPreferred, String... lesserPreferred) {
			this.subprotocols.clear();
			this.subprotocols.add(mostPreferred);
			this.subprotocols.addAll(List.of(lesserPreferred));
			return this;
		}

		/**
		 * Set how long one connection attempt may take; 10 s by default.
		 * @param timeout the timeout, positive
		 * @return this builder
		 */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = positive(timeout, "connectTimeout");
			return this;
		}

		/**
		 * Set how long {@code request()} waits by default; 10 s, as in
		 * {@code ambiorix.js}.
		 * @param timeout the timeout, positive
		 * @return this builder
		 */
		public Builder requestTimeout(Duration timeout) {
			this.requestTimeout = positive(timeout, "requestTimeout");
			return this;
		}

		/**
		 * Set the heartbeat that finds a connection gone silent without a close (the
		 * server's machine or the network vanished): after {@code interval} without any
		 * frame from the server the client sends a ping, and when nothing at all comes
		 * back within {@code timeout} it drops the connection (1006) and reconnects. The
		 * defaults, 25 s and 10 s, are {@code ambiorix.js}'s.
		 * @param interval silence before a ping
		 * @param timeout silence after the ping before the connection is dead
		 * @return this builder
		 */
		public Builder heartbeat(Duration interval, Duration timeout) {
			this.heartbeatInterval = positive(interval, "interval");
			this.heartbeatTimeout = positive(timeout, "timeout");
			return this;
		}

		/**
		 * Send no heartbeat: a connection that goes silent without a close is then found
		 * only when a send fails.
		 * @return this builder
		 */
		public Builder noHeartbeat() {
			this.heartbeatInterval = Duration.ZERO;
			return this;
		}

		/**
		 * Set when to reconnect after a lost connection;
		 * {@link ReconnectPolicy#defaults()} unless set.
		 * @param policy the policy
		 * @return this builder
		 */
		public Builder reconnect(ReconnectPolicy policy) {
			this.reconnect = Objects.requireNonNull(policy, "policy");
			return this;
		}

		/**
		 * Set how many sends and requests may wait for a connection; 1000 by default, as
		 * in {@code ambiorix.js}. Beyond it they are refused with
		 * {@link AmbiorixQueueFullException}.
		 * @param limit the limit, at least 0
		 * @return this builder
		 */
		public Builder queueLimit(int limit) {
			if (limit < 0) {
				throw new IllegalArgumentException("queueLimit must not be negative");
			}
			this.queueLimit = limit;
			return this;
		}

		/**
		 * Set whether the client uses this project's extensions to protocol version 1: on
		 * by default. Off, for a server that speaks only version 1 (Ambiorix's R server),
		 * {@code request()} fails at once with {@link AmbiorixUnsupportedException}
		 * ("server does not reply to requests") and every frame sent is a plain version 1
		 * envelope.
		 * @param enabled whether to use the extensions
		 * @return this builder
		 */
		public Builder protocolExtensions(boolean enabled) {
			this.protocolExtensions = enabled;
			return this;
		}

		/**
		 * Set whether the client asks our server for recovery (SPEC section 7): on by
		 * default, as in {@code ambiorix.js}, and off whenever
		 * {@link #protocolExtensions(boolean) protocolExtensions(false)}. On, every
		 * connection begins with an {@code ambiorix:hello}; after a reconnect within the
		 * server's window the client keeps its id and gets every message it missed, once
		 * and in order, before {@link ConnectionListener#onRecovered(boolean, String)}; a
		 * request whose connection was lost gets its reply through the replay or fails
		 * with {@code disconnected}. A server without recovery refuses the hello with an
		 * {@code ambiorix:error} that handlers never see, and the client goes on with
		 * protocol version 1.
		 * @param enabled whether to ask for recovery
		 * @return this builder
		 */
		public Builder recovery(boolean enabled) {
			this.recovery = enabled;
			return this;
		}

		/**
		 * Add a listener for open, close, reconnect and error events.
		 * @param listener the listener
		 * @return this builder
		 */
		public Builder listener(ConnectionListener listener) {
			this.listeners.add(Objects.requireNonNull(listener, "listener"));
			return this;
		}

		/**
		 * Set the executor for handlers, listeners and request futures; by default the
		 * client's own pool of daemon threads, shut down on close. Handlers and listeners
		 * still run one at a time, in order.
		 * @param executor the executor
		 * @return this builder
		 */
		public Builder executor(Executor executor) {
			this.executor = Objects.requireNonNull(executor, "executor");
			return this;
		}

		/**
		 * Set the mapper that writes messages and converts received ones; a default
		 * {@code JsonMapper} unless set.
		 * @param mapper the mapper
		 * @return this builder
		 */
		public Builder jsonMapper(JsonMapper mapper) {
			this.jsonMapper = Objects.requireNonNull(mapper, "mapper");
			return this;
		}

		/**
		 * Set the JDK {@code HttpClient} that opens the connections, to share one or to
		 * configure TLS or a proxy; a new one unless set.
		 * @param client the client
		 * @return this builder
		 */
		public Builder httpClient(HttpClient client) {
			this.httpClient = Objects.requireNonNull(client, "client");
			return this;
		}

		/**
		 * Build the client; it connects on {@link AmbiorixClient#connect()}.
		 * @return the client
		 * @throws IllegalArgumentException if a header is one the JDK refuses
		 */
		public AmbiorixClient build() {
			return new AmbiorixClient(this);
		}

		private static Duration positive(Duration duration, String name) {
			Objects.requireNonNull(duration, name);
			if (duration.isNegative() || duration.isZero()) {
				throw new IllegalArgumentException(name + " must be positive");
			}
			return duration;
		}

	}

}
