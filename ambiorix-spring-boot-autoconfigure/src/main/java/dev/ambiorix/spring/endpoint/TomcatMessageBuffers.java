package dev.ambiorix.spring.endpoint;

import jakarta.servlet.ServletContext;
import jakarta.websocket.server.ServerContainer;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.web.context.ServletContextAware;

/**
 * Shrinks the message buffers that Tomcat allocates for every WebSocket connection.
 * <p>
 * Tomcat gives each connection a text buffer of 8,192 characters (16 KB) and a binary
 * buffer of 8 KB, up front and for as long as the connection lives, because an endpoint
 * that wants whole messages can receive nothing larger. The Ambiorix endpoint takes
 * partial messages and assembles them itself, so a small buffer only splits a large
 * message into more parts, and ten thousand idle connections hold 220 MB less.
 */
public final class TomcatMessageBuffers implements ServletContextAware, InitializingBean {

	private static final String SERVER_CONTAINER_ATTRIBUTE = "jakarta.websocket.server.ServerContainer";

	private final int bufferSize;

	private @Nullable ServletContext servletContext;

	/**
	 * Create the customizer.
	 * @param bufferSize the text buffer in characters and the binary buffer in bytes
	 */
	public TomcatMessageBuffers(int bufferSize) {
		this.bufferSize = bufferSize;
	}

	@Override
	public void setServletContext(ServletContext servletContext) {
		this.servletContext = servletContext;
	}

	/**
	 * Set the container's defaults, which apply to connections opened from now on. A
	 * context without a WebSocket container (a mock one, say) is left alone.
	 */
	@Override
	public void afterPropertiesSet() {
		ServletContext context = this.servletContext;
		Object container = (context != null) ? context.getAttribute(SERVER_CONTAINER_ATTRIBUTE) : null;
		if (container instanceof ServerContainer serverContainer
				&& container.getClass().getName().startsWith("org.apache.tomcat.")) {
			serverContainer.setDefaultMaxTextMessageBufferSize(this.bufferSize);
			serverContainer.setDefaultMaxBinaryMessageBufferSize(this.bufferSize);
		}
	}

}
