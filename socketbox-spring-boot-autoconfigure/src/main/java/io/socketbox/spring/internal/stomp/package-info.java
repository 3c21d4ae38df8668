/**
 * Spring's simple STOMP broker, clustered: subscriptions shared with peers, messages forwarded to the peers that
 * subscribe; internal to SocketBox, not an API, and may change in any release.
 */
@NullMarked
package io.socketbox.spring.internal.stomp;

import org.jspecify.annotations.NullMarked;
