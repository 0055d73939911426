package dev.ambiorix.client;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A WebSocket server that speaks only protocol version 1, as Ambiorix's R server does, on
 * a plain Tomcat with a Jakarta endpoint, no Spring: {@code isAmbiorix} is required, no
 * id is ever echoed, there are no extensions, and a frame it cannot read closes the
 * connection with 1011. Its handler {@code echo} sends the message back under the same
 * name, as an R handler calling {@code ws$send} would; {@code fragmented} does the same
 * in three fragments.
 */
final class VersionOneServer implements AutoCloseable {

	private static final JsonMapper json = JsonMapper.builder().build();

	/** Every text frame received, as sent. */
	final List<String> frames = new CopyOnWriteArrayList<>();

	/** Frames such a server would refuse or ignore as not Ambiorix's. */
	final List<String> refused = new CopyOnWriteArrayList<>();

	private final Tomcat tomcat;

	private final Connector connector;

	private VersionOneServer(Path baseDir) throws LifecycleException {
		this.tomcat = new Tomcat();
		this.tomcat.setBaseDir(baseDir.toString());
		this.tomcat.setPort(0);
		this.connector = this.tomcat.getConnector();
		this.connector.setProperty("address", "127.0.0.1");
		Context context = this.tomcat.addContext("", baseDir.toString());
		Tomcat.addServlet(context, "default", new HttpServlet() {
		});
		context.addServletMappingDecoded("/", "default");
		context.addServletContainerInitializer(new WsSci(), null);
		context.addServletContainerInitializer((classes, servletContext) -> {
			ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
			try {
				container.addEndpoint(ServerEndpointConfig.Builder.create(Connection.class, "/")
					.configurator(new ServerEndpointConfig.Configurator() {
						@Override
						public <T> T getEndpointInstance(Class<T> type) {
							return type.cast(new Connection());
						}
					})
					.build());
			}
			catch (jakarta.websocket.DeploymentException ex) {
				throw new IllegalStateException(ex);
			}
		}, null);
		this.tomcat.start();
	}

	static VersionOneServer start(Path baseDir) throws LifecycleException {
		return new VersionOneServer(baseDir);
	}

	int port() {
		return this.connector.getLocalPort();
	}

	@Override
	public void close() throws LifecycleException {
		this.tomcat.stop();
		this.tomcat.destroy();
	}

	/**
	 * One connection.
	 */
	final class Connection extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			session.addMessageHandler(String.class, (MessageHandler.Whole<String>) (text) -> onText(session, text));
		}

		private void onText(Session session, String text) {
			VersionOneServer.this.frames.add(text);
			JsonNode envelope;
			try {
				envelope = json.readTree(text);
			}
			catch (JacksonException ex) {
				refuse(session, text, true);
				return;
			}
			if (envelope == null || !envelope.isObject()) {
				refuse(session, text, true);
				return;
			}
			JsonNode flag = envelope.get("isAmbiorix");
			if (flag == null || !flag.isBoolean() || !flag.booleanValue()) {
				refuse(session, text, false);
				return;
			}
			JsonNode name = envelope.get("name");
			if (name == null || !name.isString() || name.stringValue().isEmpty()) {
				refuse(session, text, true);
				return;
			}
			if ("fragmented".equals(name.stringValue())) {
				sendFragmented(session, envelope.get("message"));
			}
			if ("echo".equals(name.stringValue())) {
				ObjectNode reply = json.createObjectNode();
				reply.put("name", "echo");
				reply.set("message", envelope.get("message"));
				reply.put("isAmbiorix", true);
				try {
					session.getBasicRemote().sendText(json.writeValueAsString(reply));
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}

		/**
		 * Send the message back in three text fragments (frames with FIN unset), cut
		 * inside its JSON.
		 */
		private void sendFragmented(Session session, JsonNode message) {
			ObjectNode reply = json.createObjectNode();
			reply.put("name", "fragmented");
			reply.set("message", message);
			reply.put("isAmbiorix", true);
			String text = json.writeValueAsString(reply);
			int third = text.length() / 3;
			try {
				session.getBasicRemote().sendText(text.substring(0, third), false);
				session.getBasicRemote().sendText(text.substring(third, 2 * third), false);
				session.getBasicRemote().sendText(text.substring(2 * third), true);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

		private void refuse(Session session, String text, boolean close) {
			VersionOneServer.this.refused.add(text);
			if (close) {
				try {
					session.close(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "bad frame"));
				}
				catch (IOException ex) {
					// Closing anyway.
				}
			}
		}

	}

}
