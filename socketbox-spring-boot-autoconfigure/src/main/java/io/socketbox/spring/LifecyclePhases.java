package io.socketbox.spring;

import org.springframework.context.SmartLifecycle;

/**
 * The {@link SmartLifecycle#getPhase() phases} of SocketBox's lifecycle beans, which
 * make the order of a graceful stop explicit. Spring stops the highest phase first and
 * starts the lowest first; all three stop before the web server's graceful shutdown
 * ({@code SmartLifecycle.DEFAULT_PHASE - 1024}) and start after the web server
 * ({@code SmartLifecycle.DEFAULT_PHASE - 2048}).
 * <ol>
 * <li>{@link #BROWSER_ENDPOINT}: stop accepting browsers;</li>
 * <li>{@link #CLUSTER}: deregister, drain what is queued for peers, leave, close the
 * links;</li>
 * <li>{@link #CONNECTIONS}: close the browsers, once the last message from peers has
 * been handed to them.</li>
 * </ol>
 */
public final class LifecyclePhases {

	/**
	 * The browser endpoint: stops first, so that no new browser connects to a node that
	 * is leaving.
	 */
	public static final int BROWSER_ENDPOINT = SmartLifecycle.DEFAULT_PHASE - 100;

	/**
	 * The cluster node: stops once no browser connects, before the local connections
	 * close, so that what peers sent until they learn of the leave still reaches them.
	 */
	public static final int CLUSTER = SmartLifecycle.DEFAULT_PHASE - 200;

	/**
	 * The local connections: closed last, with {@code GOING_AWAY}.
	 */
	public static final int CONNECTIONS = SmartLifecycle.DEFAULT_PHASE - 300;

	private LifecyclePhases() {
	}

}
