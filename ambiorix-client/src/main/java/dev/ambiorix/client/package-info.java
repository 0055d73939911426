/**
 * A Java client for any Ambiorix server (this project's or Ambiorix's own R server):
 * {@link dev.ambiorix.client.AmbiorixClient} sends, receives and requests named messages
 * over the JDK's WebSocket.
 */
@NullMarked
package dev.ambiorix.client;

import org.jspecify.annotations.NullMarked;
