package io.socketbox.spring.internal;

import java.net.InetSocketAddress;

import org.jspecify.annotations.Nullable;

import org.springframework.web.socket.CloseStatus;

/**
 * Where a {@link SessionConnection} sends its frames: the client's connection to this
 * node, or to another node that relays them.
 */
sealed interface Transport permits LocalConnection, RemoteTransport {

	boolean send(OutboundText frame);

	boolean deliver(OutboundText frame);

	void open();

	void close(CloseStatus status);

	void checkReadLiveness();

	@Nullable InetSocketAddress getRemoteAddress();

}
