/**
 * The {@code ambiorix} actuator endpoint and health indicator, when Spring Boot's
 * actuator is present.
 */
@NullMarked
package dev.ambiorix.spring.actuate;

import org.jspecify.annotations.NullMarked;
