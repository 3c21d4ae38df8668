package io.socketbox.spring.autoconfigure;

import org.springframework.web.socket.client.standard.StandardWebSocketClient;

/**
 * Callback that customizes the client with which a cluster node dials the other nodes,
 * after {@code socketbox.cluster.ssl.bundle} has been applied to it, for example to set
 * user properties of the WebSocket container or a task executor.
 */
@FunctionalInterface
public interface SocketBoxPeerClientCustomizer {

	/**
	 * Customize the client.
	 * @param client the client that dials the other nodes
	 */
	void customize(StandardWebSocketClient client);

}
