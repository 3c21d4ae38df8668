/**
 * Internal; not an API. Cluster operations: discovery, invocation and the wire format.
 */
@NullMarked
package io.socketbox.spring.internal.cluster;

import org.jspecify.annotations.NullMarked;
