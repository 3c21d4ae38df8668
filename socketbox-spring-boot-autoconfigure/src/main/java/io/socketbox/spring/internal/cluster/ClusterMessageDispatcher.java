package io.socketbox.spring.internal.cluster;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;

import io.socketbox.spring.ClusterMessageListener;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.util.ClassUtils;

/**
 * Hands the messages that peers publish to this node's {@link ClusterMessageListener}
 * methods. The thread that reads a peer link only appends each message to its sender's
 * line and returns; a small pool of threads works through the lines, one message at a
 * time per sender, so messages of one sender reach the listeners in the order the
 * channel delivered them, and a slow listener holds up that sender's messages only,
 * never a link.
 * <p>
 * A message is read only into the class that a local listener declares for its type
 * name; a type name without a listener, JSON that does not fit, or a listener that
 * throws skips that message (or that listener) and is counted, and the next messages
 * go on.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class ClusterMessageDispatcher implements DisposableBean {

	private static final Log logger = LogFactory.getLog(ClusterMessageDispatcher.class);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

	/**
	 * Most characters of a peer's type name in a log message.
	 */
	private static final int MAX_LOGGED_NAME = 200;

	private final ClusterMessageListenerRegistry registry;

	private final ClusterMessageCodec codec;

	private final ThreadPoolExecutor pool;

	private final Executor executor;

	/**
	 * The last message of each sender that is queued or running; the next one runs after
	 * it. Removed once the last one has run, so that senders that left leave nothing.
	 */
	private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();

	private final Map<JavaTypeKey, JavaType> types = new ConcurrentHashMap<>();

	private final AtomicBoolean unreadableLogged = new AtomicBoolean();

	private final AtomicLong received = new AtomicLong();

	private final AtomicLong delivered = new AtomicLong();

	private final AtomicLong unknown = new AtomicLong();

	private final AtomicLong unreadable = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	/**
	 * Create a dispatcher.
	 * @param registry the listeners of this node
	 * @param codec reads messages into the listeners' types
	 * @param threads the most listeners that run at once, for different senders
	 */
	public ClusterMessageDispatcher(ClusterMessageListenerRegistry registry, ClusterMessageCodec codec, int threads) {
		this.registry = registry;
		this.codec = codec;
		CustomizableThreadFactory threadFactory = new CustomizableThreadFactory("socketbox-cluster-message-");
		threadFactory.setDaemon(true);
		this.pool = new ThreadPoolExecutor(threads, threads, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threadFactory);
		this.pool.allowCoreThreadTimeOut(true);
		this.executor = this::execute;
	}

	/**
	 * Take a message that a peer published, in the order the peer sent it. Called under
	 * the channel's receive lock; returns at once.
	 * @param origin the id of the sending node
	 * @param type the type name, as the peer sent it
	 * @param json the message, as the peer sent it
	 */
	void receive(String origin, @Nullable String type, @Nullable String json) {
		this.received.incrementAndGet();
		Runnable task = () -> dispatch(origin, type, json);
		CompletableFuture<?>[] created = new CompletableFuture<?>[1];
		this.tails.compute(origin, (key, tail) -> {
			CompletableFuture<Void> next = (tail != null) ? tail.handleAsync((result, ex) -> {
				task.run();
				return null;
			}, this.executor) : CompletableFuture.runAsync(task, this.executor);
			created[0] = next;
			return next;
		});
		CompletableFuture<?> next = created[0];
		// Outside compute: the callback may run at once, and then removes its own entry
		next.whenComplete((result, ex) -> this.tails.remove(origin, next));
	}

	private void execute(Runnable command) {
		try {
			this.pool.execute(command);
		}
		catch (RejectedExecutionException ex) {
			// Only once the node is shutting down
			logger.debug("Dropped a cluster message: the node is shutting down");
		}
	}

	private void dispatch(String origin, @Nullable String type, @Nullable String json) {
		try {
			List<ClusterMessageListenerRegistry.Listener> listeners = (type != null) ? this.registry.get(type)
					: List.of();
			if (listeners.isEmpty() || json == null) {
				this.unknown.incrementAndGet();
				if (logger.isDebugEnabled()) {
					logger.debug("Ignored a cluster message of type " + shorten(type) + " from " + origin
							+ ": no listener on this node takes it");
				}
				return;
			}
			for (ClusterMessageListenerRegistry.Listener listener : listeners) {
				Object message = read(origin, type, json, listener);
				if (message != null) {
					invoke(origin, listener, message);
				}
			}
		}
		catch (Throwable ex) {
			// Never lose the line of a sender to one message
			logger.error("Could not dispatch a cluster message from " + origin, ex);
		}
	}

	private @Nullable Object read(String origin, String type, String json,
			ClusterMessageListenerRegistry.Listener listener) {
		Object message;
		try {
			message = this.codec.read(json, javaType(listener));
		}
		catch (RuntimeException ex) {
			unreadable(origin, type, RpcCodec.describe(ex));
			return null;
		}
		if (message == null || !ClassUtils.isAssignableValue(listener.messageClass(), message)) {
			unreadable(origin, type, "not a " + listener.messageClass().getName());
			return null;
		}
		return message;
	}

	private void unreadable(String origin, String type, String reason) {
		this.unreadable.incrementAndGet();
		String description = "Ignored a cluster message of type " + shorten(type) + " from " + origin + ": " + reason;
		if (this.unreadableLogged.compareAndSet(false, true)) {
			logger.warn(description + "; further messages that cannot be read are logged at DEBUG level");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug(description);
		}
	}

	private JavaType javaType(ClusterMessageListenerRegistry.Listener listener) {
		return this.types.computeIfAbsent(new JavaTypeKey(listener.declared(), listener.messageType()),
				(key) -> this.codec.type(key.type()));
	}

	private void invoke(String origin, ClusterMessageListenerRegistry.Listener listener, Object message) {
		Object[] arguments = listener.withSender() ? new Object[] { message, origin } : new Object[] { message };
		try {
			listener.method().invoke(listener.bean(), arguments);
			this.delivered.incrementAndGet();
		}
		catch (InvocationTargetException ex) {
			this.failed.incrementAndGet();
			logger.error("Cluster message listener " + listener.description() + " failed on a message from "
					+ origin, ex.getTargetException());
		}
		catch (IllegalAccessException | RuntimeException ex) {
			this.failed.incrementAndGet();
			logger.error("Could not invoke cluster message listener " + listener.description(), ex);
		}
	}

	private static String shorten(@Nullable String name) {
		if (name == null) {
			return "(none)";
		}
		return (name.length() > MAX_LOGGED_NAME) ? "'" + name.substring(0, MAX_LOGGED_NAME) + "...'"
				: "'" + name + "'";
	}

	/**
	 * Return how many messages peers published to this node.
	 * @return the number since start
	 */
	public long getReceived() {
		return this.received.get();
	}

	/**
	 * Return how many times a listener took a message and returned normally.
	 * @return the number since start
	 */
	public long getDelivered() {
		return this.delivered.get();
	}

	/**
	 * Return how many messages were skipped because no listener of this node takes their
	 * type.
	 * @return the number since start
	 */
	public long getUnknownType() {
		return this.unknown.get();
	}

	/**
	 * Return how many times a message could not be read into a listener's type.
	 * @return the number since start
	 */
	public long getUnreadable() {
		return this.unreadable.get();
	}

	/**
	 * Return how many times a listener threw.
	 * @return the number since start
	 */
	public long getListenerFailures() {
		return this.failed.get();
	}

	/**
	 * How many senders have messages queued or running, for tests.
	 */
	int busySenders() {
		return this.tails.size();
	}

	@Override
	public void destroy() {
		this.pool.shutdownNow();
	}

	private record JavaTypeKey(Method method, Type type) {

	}

}
