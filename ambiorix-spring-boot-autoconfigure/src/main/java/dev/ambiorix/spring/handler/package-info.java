/**
 * {@code @Receive} handlers: discovery on Spring beans, argument resolution, payload
 * conversion and validation, and dispatch of envelopes to them.
 */
@NullMarked
package dev.ambiorix.spring.handler;

import org.jspecify.annotations.NullMarked;
