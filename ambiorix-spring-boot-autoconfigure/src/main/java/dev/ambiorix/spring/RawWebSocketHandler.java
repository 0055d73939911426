package dev.ambiorix.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.beans.factory.annotation.Qualifier;

/**
 * Qualifies the one {@link org.springframework.web.socket.WebSocketHandler} bean that
 * takes over the raw connections at the Ambiorix paths, like Ambiorix's
 * {@code app$websocket}: {@code @Receive} handlers then receive nothing. Other
 * {@code WebSocketHandler} beans of the application (STOMP's, or those it registers at
 * its own paths) never take over.
 */
@Target({ ElementType.METHOD, ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Qualifier
public @interface RawWebSocketHandler {

}
