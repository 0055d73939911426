/**
 * The WebSocket endpoint: upgrade requests, frame assembly under the size limit, rate
 * limiting, and routing each frame to the protocol and its handler.
 */
@NullMarked
package dev.ambiorix.spring.endpoint;

import org.jspecify.annotations.NullMarked;
