/**
 * Cluster membership, authenticated peer links and node naming.
 */
@NullMarked
package io.socketbox.spring.cluster;

import org.jspecify.annotations.NullMarked;
