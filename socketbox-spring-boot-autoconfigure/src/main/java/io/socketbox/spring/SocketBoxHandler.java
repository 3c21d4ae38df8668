package io.socketbox.spring;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.Assert;
import org.springframework.web.socket.CloseStatus;

/**
 * Base class for the application's WebSocket handler. Declare one bean that extends
 * it and override the hooks; SocketBox registers it at {@code socketbox.path}. The send
 * methods reach connections on every node of the cluster.
 * <p>
 * Hooks run on the container's thread for that connection; the send methods are
 * thread-safe and may be called from any thread.
 */
public abstract class SocketBoxHandler implements BeanFactoryAware {

	private @Nullable ObjectProvider<SocketBoxMessaging> messaging;

	private @Nullable ObjectProvider<SocketBoxCluster> cluster;

	/**
	 * Called when a connection opens, before any message of it is handled and before it
	 * receives broadcasts, so that what this hook sends to it arrives first.
	 * @param connection the new connection
	 */
	public void onConnect(SocketBoxConnection connection) {
	}

	/**
	 * Return the attributes of a connection that every node sees in the
	 * {@link SocketBoxDirectory}, called once after {@link #onConnect}. Nothing is
	 * published unless this is overridden; keys and values together may take at most
	 * {@code socketbox.directory.max-attributes-size} bytes.
	 * @param connection the new connection
	 * @return the attributes to publish
	 */
	public Map<String, String> getPublishedAttributes(SocketBoxConnection connection) {
		return Map.of();
	}

	/**
	 * Called for each text message a client sends.
	 * @param message the text of the message
	 * @param connection the connection that sent it
	 */
	public void onMessage(String message, SocketBoxConnection connection) {
	}

	/**
	 * Called when a connection has closed.
	 * @param connection the closed connection
	 * @param status the close status
	 */
	public void onClose(SocketBoxConnection connection, CloseStatus status) {
	}

	/**
	 * Send a message to a connection of this node.
	 * @param message the message; a non-{@link String} is written as JSON
	 * @param connection the connection
	 * @return the outcome
	 */
	public CompletableFuture<SendResult> sendMessage(Object message, SocketBoxConnection connection) {
		return getMessaging().send(connection, message);
	}

	/**
	 * Send a message to a connection anywhere in the cluster.
	 * @param message the message; a non-{@link String} is written as JSON
	 * @param connectionId the id of the connection
	 * @return the outcome
	 */
	public CompletableFuture<SendResult> sendMessage(Object message, String connectionId) {
		return getMessaging().send(connectionId, message);
	}

	/**
	 * Send a message to every connection of a user, on every node.
	 * @param message the message; a non-{@link String} is written as JSON
	 * @param user the principal name of the user
	 * @return the number of connections reached
	 */
	public CompletableFuture<Integer> sendMessageToUser(Object message, String user) {
		return getMessaging().sendToUser(user, message);
	}

	/**
	 * Send a message to every connection in the cluster.
	 * @param message the message; a non-{@link String} is written as JSON
	 */
	public void broadcastMessage(Object message) {
		getMessaging().broadcast(message);
	}

	/**
	 * Return the open connections of this node.
	 * @return the local connections
	 */
	public Collection<SocketBoxConnection> getAllConnections() {
		return getMessaging().getLocalConnections();
	}

	/**
	 * Whether this node runs in cluster mode.
	 * @return {@code true} when cluster mode is enabled
	 */
	public boolean isClusterEnabled() {
		return getCluster().isEnabled();
	}

	/**
	 * Return the messaging that the send methods use.
	 * @return the messaging
	 */
	protected final SocketBoxMessaging getMessaging() {
		Assert.state(this.messaging != null, "SocketBoxHandler is not initialized: declare it as a bean");
		return this.messaging.getObject();
	}

	/**
	 * Return this node's view of the cluster.
	 * @return the cluster
	 */
	protected final SocketBoxCluster getCluster() {
		Assert.state(this.cluster != null, "SocketBoxHandler is not initialized: declare it as a bean");
		return this.cluster.getObject();
	}

	/**
	 * Look up the messaging and the cluster view when they are first used, so that the
	 * handler and the beans that SocketBox builds around it may refer to each other.
	 * @param beanFactory the bean factory that created this handler
	 */
	@Override
	public final void setBeanFactory(BeanFactory beanFactory) {
		this.messaging = beanFactory.getBeanProvider(SocketBoxMessaging.class);
		this.cluster = beanFactory.getBeanProvider(SocketBoxCluster.class);
	}

}
