/**
 * The Ambiorix envelope: reading client frames into envelopes or protocol errors, and
 * writing envelopes as always-valid JSON text.
 */
@NullMarked
package dev.ambiorix.spring.protocol;

import org.jspecify.annotations.NullMarked;
