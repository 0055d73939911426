package dev.ambiorix.spring.endpoint;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;

import jakarta.websocket.Session;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;

/**
 * Gives the endpoint's own Tomcat connections small message buffers, and leaves Tomcat's
 * defaults, which every other WebSocket endpoint of the application uses, alone.
 * <p>
 * Tomcat gives each connection a text buffer of 8,192 characters (16 KB) and a binary
 * buffer of 8 KB, for as long as the connection lives, because an endpoint that wants
 * whole messages can receive nothing larger. The Ambiorix endpoint takes partial messages
 * and assembles them itself, so a small buffer only splits a large message into more
 * parts. Shrinking the container's defaults instead would close any larger message to an
 * application's own {@code @ServerEndpoint} with 1009.
 * <p>
 * Tomcat has no per-endpoint setting: it sizes the buffers from the container's defaults
 * when the connection opens, just before the endpoint hears of it, and re-sizes one when
 * a message of its kind starts and the buffer's size differs from the session's. So the
 * session's sizes are set when it opens, and the buffers already allocated are replaced
 * at once, while Tomcat has not yet read anything into them: the binary buffer (in which
 * Tomcat also stages a text message's bytes before decoding them) by one of the session's
 * size, the text buffer by an empty one, since Tomcat allocates one of the session's size
 * when the client's first text message starts; a client that has sent nothing holds none.
 * Where Tomcat's fields cannot be reached, Tomcat's own re-sizing still applies from the
 * first message on. The raw socket and frame buffers are {@link TomcatWireBuffers}'.
 */
final class TomcatMessageBuffers {

	/**
	 * The text buffer in characters and the binary buffer in bytes.
	 */
	static final int SIZE = 1024;

	private static final boolean JAKARTA_PRESENT = ClassUtils.isPresent("jakarta.websocket.Session",
			TomcatMessageBuffers.class.getClassLoader());

	private TomcatMessageBuffers() {
	}

	/**
	 * Shrink the buffers of a connection the endpoint has just accepted, if it is a
	 * Tomcat one.
	 * @param session the connection, still unread
	 */
	static void apply(WebSocketSession session) {
		if (JAKARTA_PRESENT && session instanceof StandardWebSocketSession standard) {
			Jakarta.shrink(standard);
		}
	}

	/**
	 * Holds every reference to the Jakarta WebSocket API, so that nothing of it is loaded
	 * where it is absent.
	 */
	private static final class Jakarta {

		static void shrink(StandardWebSocketSession standard) {
			Session session = standard.getNativeSession(Session.class);
			if (session == null || !session.getClass().getName().startsWith("org.apache.tomcat.")) {
				return;
			}
			session.setMaxTextMessageBufferSize(SIZE);
			session.setMaxBinaryMessageBufferSize(SIZE);
			FrameBuffers.replace(session);
			TomcatWireBuffers.shrink(session);
		}

	}

	/**
	 * Tomcat's {@code WsFrameBase} buffers of one session, replaced by buffers of the
	 * session's new sizes, as Tomcat itself does when the next message starts.
	 */
	private static final class FrameBuffers {

		private static final Log logger = LogFactory.getLog(FrameBuffers.class);

		/** Never written to: Tomcat replaces it before a message's first character. */
		private static final CharBuffer EMPTY_TEXT = CharBuffer.allocate(0);

		private static final @Nullable Field FRAME;

		private static final @Nullable Field TEXT;

		private static final @Nullable Field BINARY;

		static {
			Field frame = null;
			Field text = null;
			Field binary = null;
			try {
				ClassLoader classLoader = FrameBuffers.class.getClassLoader();
				Class<?> wsSession = Class.forName("org.apache.tomcat.websocket.WsSession", false, classLoader);
				Class<?> wsFrameBase = Class.forName("org.apache.tomcat.websocket.WsFrameBase", false, classLoader);
				frame = wsSession.getDeclaredField("wsFrame");
				text = wsFrameBase.getDeclaredField("messageBufferText");
				binary = wsFrameBase.getDeclaredField("messageBufferBinary");
				if (text.getType() != CharBuffer.class || binary.getType() != ByteBuffer.class) {
					throw new NoSuchFieldException("Tomcat's message buffers changed type");
				}
				frame.setAccessible(true);
				text.setAccessible(true);
				binary.setAccessible(true);
			}
			catch (ReflectiveOperationException | LinkageError | RuntimeException ex) {
				logger.debug("Tomcat's message buffers are not reachable; they shrink when a message next starts", ex);
				frame = null;
				text = null;
				binary = null;
			}
			FRAME = frame;
			TEXT = text;
			BINARY = binary;
		}

		private FrameBuffers() {
		}

		static void replace(Session session) {
			Field frameField = FRAME;
			Field text = TEXT;
			Field binary = BINARY;
			if (frameField == null || text == null || binary == null
					|| !frameField.getDeclaringClass().isInstance(session)) {
				return;
			}
			try {
				Object frame = frameField.get(session);
				if (frame == null) {
					return;
				}
				// The text buffer stays empty until a text message starts: Tomcat then
				// allocates the session's size, since it differs from the buffer's. Not
				// the binary one: Tomcat stages a text message's bytes in it too, and
				// re-sizes it only when a binary message starts.
				if (((CharBuffer) text.get(frame)).position() == 0) {
					text.set(frame, EMPTY_TEXT);
				}
				if (((ByteBuffer) binary.get(frame)).position() == 0) {
					binary.set(frame, ByteBuffer.allocate(session.getMaxBinaryMessageBufferSize()));
				}
			}
			catch (IllegalAccessException | RuntimeException ex) {
				logger.debug("Replacing Tomcat's message buffers failed", ex);
			}
		}

	}

}
