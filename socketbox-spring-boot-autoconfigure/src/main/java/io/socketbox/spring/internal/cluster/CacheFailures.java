package io.socketbox.spring.internal.cluster;

import java.util.Set;

/**
 * Tells a cache that cannot be reached (connection refused or lost, a timeout) from one
 * that answers with an error. Types are compared by name, so that neither Spring's data
 * access exceptions nor any driver need to be on the class path.
 */
final class CacheFailures {

	private static final Set<String> UNREACHABLE = Set.of("java.net.SocketException",
			"java.net.SocketTimeoutException", "java.net.UnknownHostException", "java.util.concurrent.TimeoutException",
			"java.nio.channels.ClosedChannelException",
			// Spring Data Redis: RedisConnectionFailureException, and Lettuce's command timeouts
			// Spring JDBC: CannotGetJdbcConnectionException, query timeouts
			"org.springframework.dao.DataAccessResourceFailureException",
			"org.springframework.dao.TransientDataAccessResourceException",
			"org.springframework.dao.QueryTimeoutException");

	private CacheFailures() {
	}

	/**
	 * Return whether the exception, or one of its causes, says that the cache could not
	 * be reached.
	 * @param ex what a cache call threw
	 * @return whether the cache is unreachable
	 */
	static boolean isUnreachable(Throwable ex) {
		int depth = 0;
		for (Throwable candidate = ex; candidate != null && depth < 16; candidate = candidate.getCause(), depth++) {
			for (Class<?> type = candidate.getClass(); type != null; type = type.getSuperclass()) {
				if (UNREACHABLE.contains(type.getName())) {
					return true;
				}
			}
		}
		return false;
	}

}
