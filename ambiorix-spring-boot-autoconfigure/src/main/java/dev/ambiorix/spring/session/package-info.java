/**
 * Connected clients: the registry, each client's bounded outbound queue, delivery of
 * frames to many clients, and the supervisor that drops clients that are stuck or gone.
 */
@NullMarked
package dev.ambiorix.spring.session;

import org.jspecify.annotations.NullMarked;
