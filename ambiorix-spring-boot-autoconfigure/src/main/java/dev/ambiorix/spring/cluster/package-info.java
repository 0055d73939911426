/**
 * Groups, users and presence across nodes: in memory on one node, and the
 * auto-configuration that picks the cluster mode.
 */
@NullMarked
package dev.ambiorix.spring.cluster;

import org.jspecify.annotations.NullMarked;
