package io.socketbox.spring.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Logs refused connections at WARN level without flooding the log: the first refusal at
 * once, then at most one line per interval with the number refused meanwhile.
 */
final class RefusalLog {

	private static final Log logger = LogFactory.getLog(ConnectionLimitInterceptor.class);

	private final Duration interval;

	private final AtomicLong refused = new AtomicLong();

	private final AtomicLong nextLogAt;

	private volatile boolean loggedBefore;

	RefusalLog(Duration interval) {
		this.interval = interval;
		this.nextLogAt = new AtomicLong(System.nanoTime());
	}

	/**
	 * Count a refusal, and log it with the others since the last line when the interval
	 * has passed.
	 * @param what what was refused, for example "connections to /ws"
	 * @param why why, ending with what to set to allow more
	 */
	void refused(String what, String why) {
		this.refused.incrementAndGet();
		long now = System.nanoTime();
		long next = this.nextLogAt.get();
		if (now - next < 0 || !this.nextLogAt.compareAndSet(next, now + this.interval.toNanos())) {
			return;
		}
		long count = this.refused.getAndSet(0);
		String since = this.loggedBefore ? " in the last " + format(this.interval) : "";
		this.loggedBefore = true;
		logger.warn("Refused " + count + " " + what + since + ": " + why + "; refusals are logged at most every "
				+ format(this.interval));
	}

	private static String format(Duration duration) {
		return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
	}

}
