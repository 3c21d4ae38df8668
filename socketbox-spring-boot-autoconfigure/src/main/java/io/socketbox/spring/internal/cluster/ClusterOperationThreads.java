package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads of cluster operations: a pool that runs operations, another that completes
 * callers' futures, so that a timeout is not stuck behind operations that block, and one
 * thread that times calls out. Kept out of the application context as
 * plain executors, so that nothing else (such as {@code @EnableScheduling}) picks them up.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class ClusterOperationThreads implements DisposableBean {

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(60);

	private final ThreadPoolExecutor executor;

	private final ThreadPoolExecutor completer;

	private final ScheduledThreadPoolExecutor scheduler;

	/**
	 * Create the threads.
	 * @param poolSize the most operations that run at once; more wait in line, and
	 * their callers time out if they wait too long
	 */
	public ClusterOperationThreads(int poolSize) {
		this.executor = new ThreadPoolExecutor(poolSize, poolSize, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threadFactory("socketbox-rpc-"));
		this.executor.allowCoreThreadTimeOut(true);
		this.completer = new ThreadPoolExecutor(2, 2, KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
				new LinkedBlockingQueue<>(), threadFactory("socketbox-rpc-reply-"));
		this.completer.allowCoreThreadTimeOut(true);
		this.scheduler = new ScheduledThreadPoolExecutor(1, threadFactory("socketbox-rpc-timeout-"));
		this.scheduler.setRemoveOnCancelPolicy(true);
	}

	private static CustomizableThreadFactory threadFactory(String prefix) {
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		factory.setDaemon(true);
		return factory;
	}

	/**
	 * Return the executor that runs operations.
	 * @return the executor
	 */
	public Executor getExecutor() {
		return this.executor;
	}

	/**
	 * Return the executor that completes callers' futures with replies and timeouts.
	 * @return the executor
	 */
	public Executor getCompleter() {
		return this.completer;
	}

	/**
	 * Return the scheduler that times calls out.
	 * @return the scheduler
	 */
	public ScheduledExecutorService getScheduler() {
		return this.scheduler;
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
		this.completer.shutdownNow();
		this.executor.shutdownNow();
	}

}
