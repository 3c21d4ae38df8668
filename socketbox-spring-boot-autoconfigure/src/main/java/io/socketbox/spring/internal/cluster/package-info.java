/**
 * The cluster side of a node: membership, the peer protocol, links, channels and
 * cluster operations. Internal to SocketBox, not an API: it may change in any release.
 */
@NullMarked
package io.socketbox.spring.internal.cluster;

import org.jspecify.annotations.NullMarked;
