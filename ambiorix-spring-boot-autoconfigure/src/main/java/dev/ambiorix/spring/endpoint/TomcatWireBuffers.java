package dev.ambiorix.spring.endpoint;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;

import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketBufferHandler;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.jspecify.annotations.Nullable;

/**
 * Gives the endpoint's own upgraded Tomcat connections small raw read and write buffers,
 * and leaves Tomcat's, which HTTP requests and every other WebSocket endpoint use, alone.
 * <p>
 * Tomcat keeps five 8 KB buffers for as long as an upgraded connection lives: the NIO
 * socket's read and write buffers ({@code socket.appReadBufSize},
 * {@code socket.appWriteBufSize}, shared with HTTP), and the WebSocket input, output and
 * text-encoder buffers ({@code org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE}). For
 * this endpoint's connections, as each opens and before Tomcat has read or written
 * anything through them:
 * <ul>
 * <li>the WebSocket input buffer and the socket's read buffer become {@link #READ_SIZE}
 * bytes: each read takes at most that much, so a large message arrives in more
 * reads;</li>
 * <li>the socket's write buffer and the WebSocket output buffer become empty: a server
 * endpoint without batching (this one never batches) writes each frame's header and
 * payload straight from their own buffers with one gathering write, through neither of
 * them.</li>
 * </ul>
 * The socket buffers belong to Tomcat's pooled {@code NioChannel}, which serves an HTTP
 * connection next: the small buffers are {@link UpgradedSocketBuffers}, which hands the
 * channel buffers of Tomcat's own sizes back when Tomcat resets it for reuse. Over TLS,
 * with direct buffers, without asynchronous IO, or where a field cannot be reached, the
 * socket buffers stay as they are.
 */
final class TomcatWireBuffers {

	/**
	 * Bytes read from the socket at a time, and the WebSocket input buffer; a control
	 * frame (up to 131 bytes) must fit.
	 */
	static final int READ_SIZE = 1024;

	/**
	 * The WebSocket output buffer: only a client endpoint or a batching one writes
	 * through it.
	 */
	private static final int OUTPUT_SIZE = 0;

	private static final Log logger = LogFactory.getLog(TomcatWireBuffers.class);

	private static final @Nullable Fields FIELDS = Fields.find();

	private TomcatWireBuffers() {
	}

	/**
	 * Shrink the raw buffers of one of the endpoint's Tomcat connections, just opened.
	 * @param session Tomcat's session, before it has read anything
	 */
	static void shrink(Session session) {
		Fields fields = FIELDS;
		if (fields == null || !fields.wsSession.isInstance(session)) {
			return;
		}
		try {
			Object frame = fields.frame.get(session);
			Object remote = fields.remote.get(session);
			if (frame != null && fields.wsFrameBase.isInstance(frame)) {
				ByteBuffer input = (ByteBuffer) fields.input.get(frame);
				if (input.capacity() > READ_SIZE && !input.hasRemaining()) {
					fields.input.set(frame, ByteBuffer.allocate(READ_SIZE).limit(0));
				}
			}
			if (remote != null && fields.remoteServer.isInstance(remote)) {
				ByteBuffer output = (ByteBuffer) fields.output.get(remote);
				if (output.capacity() > OUTPUT_SIZE && output.position() == 0
						&& !session.getAsyncRemote().getBatchingAllowed()) {
					fields.output.set(remote, ByteBuffer.allocate(OUTPUT_SIZE));
				}
				if (fields.socketWrapper.get(remote) instanceof NioEndpoint.NioSocketWrapper wrapper) {
					UpgradedSocketBuffers.install(wrapper, fields);
				}
			}
		}
		catch (IllegalAccessException | RuntimeException ex) {
			logger.debug("Shrinking Tomcat's buffers of a connection failed", ex);
		}
	}

	/**
	 * Tomcat's fields, looked up once; {@code null} when any of them is missing or closed
	 * to reflection (another Tomcat version, a module system).
	 */
	record Fields(Class<?> wsSession, Class<?> wsFrameBase, Class<?> remoteServer, Field frame, Field remote,
			Field input, Field output, Field socketWrapper, Field wrapperBuffers, Field channelBuffers) {

		static @Nullable Fields find() {
			try {
				ClassLoader classLoader = TomcatWireBuffers.class.getClassLoader();
				Class<?> wsSession = Class.forName("org.apache.tomcat.websocket.WsSession", false, classLoader);
				Class<?> wsFrameBase = Class.forName("org.apache.tomcat.websocket.WsFrameBase", false, classLoader);
				Class<?> remoteBase = Class.forName("org.apache.tomcat.websocket.WsRemoteEndpointImplBase", false,
						classLoader);
				Class<?> remoteServer = Class.forName("org.apache.tomcat.websocket.server.WsRemoteEndpointImplServer",
						false, classLoader);
				Fields fields = new Fields(wsSession, wsFrameBase, remoteServer, field(wsSession, "wsFrame"),
						field(wsSession, "wsRemoteEndpoint"), field(wsFrameBase, "inputBuffer"),
						field(remoteBase, "outputBuffer"), field(remoteServer, "socketWrapper"),
						field(SocketWrapperBase.class, "socketBufferHandler"), field(NioChannel.class, "bufHandler"));
				if (fields.input.getType() != ByteBuffer.class || fields.output.getType() != ByteBuffer.class
						|| fields.channelBuffers.getType() != SocketBufferHandler.class) {
					throw new NoSuchFieldException("Tomcat's buffers changed type");
				}
				return fields;
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				logger.debug("Tomcat's connection buffers are not reachable; they keep Tomcat's sizes", ex);
				return null;
			}
		}

		private static Field field(Class<?> type, String name) throws NoSuchFieldException {
			Field field = type.getDeclaredField(name);
			field.setAccessible(true);
			return field;
		}

	}

	/**
	 * The socket buffers of one upgraded connection: {@link #READ_SIZE} to read, nothing
	 * to write. When Tomcat resets the channel to pool it, the channel gets a handler of
	 * Tomcat's own sizes again, so the next connection, HTTP or not, sees no difference.
	 */
	static final class UpgradedSocketBuffers extends SocketBufferHandler {

		private final NioChannel channel;

		private final Field channelBuffers;

		private final int readSize;

		private final int writeSize;

		private boolean restored;

		private UpgradedSocketBuffers(NioChannel channel, Field channelBuffers, int readSize, int writeSize) {
			super(READ_SIZE, 0, false);
			this.channel = channel;
			this.channelBuffers = channelBuffers;
			this.readSize = readSize;
			this.writeSize = writeSize;
		}

		static void install(NioEndpoint.NioSocketWrapper wrapper, Fields fields) throws IllegalAccessException {
			NioChannel channel = wrapper.getSocket();
			SocketBufferHandler tomcat = wrapper.getSocketBufferHandler();
			// TLS channels have buffers of their own; direct buffers are freed by hand.
			if (channel == null || channel.getClass() != NioChannel.class || channel.getBufHandler() != tomcat
					|| tomcat.getClass() != SocketBufferHandler.class || !wrapper.hasAsyncIO()
					|| tomcat.getReadBuffer().isDirect() || tomcat.getReadBuffer().capacity() <= READ_SIZE
					|| !tomcat.isReadBufferEmpty() || !tomcat.isWriteBufferEmpty()) {
				return;
			}
			UpgradedSocketBuffers small = new UpgradedSocketBuffers(channel, fields.channelBuffers,
					tomcat.getReadBuffer().capacity(), tomcat.getWriteBuffer().capacity());
			fields.channelBuffers.set(channel, small);
			fields.wrapperBuffers.set(wrapper, small);
		}

		/**
		 * Tomcat resets a channel when the connection closes, just before it pools the
		 * channel for the next connection.
		 */
		@Override
		public void reset() {
			super.reset();
			synchronized (this) {
				if (this.restored) {
					return;
				}
				this.restored = true;
			}
			try {
				this.channelBuffers.set(this.channel, new SocketBufferHandler(this.readSize, this.writeSize, false));
			}
			catch (IllegalAccessException | RuntimeException ex) {
				// Cannot happen: the same field took this handler. Still, no small
				// buffers
				// for the channel's next connection.
				logger.debug("Restoring Tomcat's socket buffers failed", ex);
				expand(Math.max(this.readSize, this.writeSize));
			}
		}

	}

}
