/**
 * Spring Security integration: handlers run as the handshake user, bearer tokens a
 * browser can send, connections that end with their credentials, and connection limits.
 */
@NullMarked
package dev.ambiorix.spring.security;

import org.jspecify.annotations.NullMarked;
