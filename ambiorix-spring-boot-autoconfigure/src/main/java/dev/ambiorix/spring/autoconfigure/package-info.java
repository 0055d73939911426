/**
 * Auto-configuration of the Ambiorix WebSocket endpoint and its {@code ambiorix.*}
 * properties.
 */
@NullMarked
package dev.ambiorix.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
