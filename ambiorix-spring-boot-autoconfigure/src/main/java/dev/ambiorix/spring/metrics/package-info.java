/**
 * Micrometer meters and observations of the endpoint, when Micrometer is present.
 */
@NullMarked
package dev.ambiorix.spring.metrics;

import org.jspecify.annotations.NullMarked;
