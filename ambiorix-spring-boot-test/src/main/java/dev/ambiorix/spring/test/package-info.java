/**
 * Test support for applications of ambiorix-spring-boot: in a {@code @SpringBootTest}
 * with an embedded server, inject {@link dev.ambiorix.spring.test.AmbiorixTestClients}
 * and connect an {@link dev.ambiorix.spring.test.AmbiorixTestClient} in one line.
 */
@NullMarked
package dev.ambiorix.spring.test;

import org.jspecify.annotations.NullMarked;
