package dev.ambiorix.spring.test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import dev.ambiorix.client.AmbiorixClient;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Connects {@link AmbiorixTestClient}s to the application of a {@code @SpringBootTest}
 * with an embedded server (a random or defined port): inject it with
 * {@code @Autowired AmbiorixTestClients clients} and write {@code try (AmbiorixTestClient
 * client = clients.connect()) { ... }}. Thread-safe.
 * <p>
 * Clients connect to the first of {@code ambiorix.websocket.paths} under the context
 * path, convert messages with the application's {@code JsonMapper} when it has one, and
 * are closed with the application context if a test left them open.
 */
public final class AmbiorixTestClients implements DisposableBean {

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

	private final Environment environment;

	private final JsonMapper jsonMapper;

	private final List<AmbiorixTestClient> clients = new CopyOnWriteArrayList<>();

	AmbiorixTestClients(Environment environment, @Nullable JsonMapper jsonMapper) {
		this.environment = environment;
		this.jsonMapper = (jsonMapper != null) ? jsonMapper : JsonMapper.builder().build();
	}

	/**
	 * Return the WebSocket URI of the application's Ambiorix endpoint.
	 * @return {@code ws://127.0.0.1:<port><context path><first path>}
	 */
	public URI uri() {
		String port = this.environment.getProperty("local.server.port");
		if (port == null) {
			throw new IllegalStateException("No local.server.port: is the @SpringBootTest running an embedded server "
					+ "(webEnvironment = RANDOM_PORT or DEFINED_PORT)?");
		}
		String contextPath = this.environment.getProperty("server.servlet.context-path", "");
		List<String> paths = Binder.get(this.environment)
			.bind("ambiorix.websocket.paths", Bindable.listOf(String.class))
			.orElse(List.of("/"));
		String path = paths.isEmpty() ? "/" : paths.get(0);
		return URI.create("ws://127.0.0.1:" + port + stripTrailingSlash(contextPath) + path);
	}

	/**
	 * Connect a client and wait until its connection is open.
	 * @return the connected client; close it at the end of the test
	 */
	public AmbiorixTestClient connect() {
		return connect((builder) -> {
		});
	}

	/**
	 * Connect a client configured further, for instance with headers or a subprotocol
	 * that carry credentials, and wait until its connection is open.
	 * @param customizer changes the client's builder before it is built
	 * @return the connected client; close it at the end of the test
	 */
	public AmbiorixTestClient connect(Consumer<AmbiorixClient.Builder> customizer) {
		AmbiorixClient.Builder builder = AmbiorixClient.builder(uri()).jsonMapper(this.jsonMapper);
		customizer.accept(builder);
		AmbiorixTestClient client = AmbiorixTestClient.connect(builder, this.jsonMapper, CONNECT_TIMEOUT);
		this.clients.add(client);
		return client;
	}

	@Override
	public void destroy() {
		this.clients.forEach(AmbiorixTestClient::close);
		this.clients.clear();
	}

	private static String stripTrailingSlash(String path) {
		return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
	}

}
