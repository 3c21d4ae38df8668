package io.socketbox.spring.autoconfigure;

/**
 * The shared caches that SocketBox can configure.
 */
public enum CacheType {

	/**
	 * Redis, through Spring Data Redis and the application's connection factory.
	 */
	REDIS,

	/**
	 * A directory that several processes on one machine share.
	 */
	FILE,

	/**
	 * A map in this JVM: only nodes in the same JVM share it.
	 */
	MEMORY,

	/**
	 * Two tables in the application's database, through its single DataSource. Never
	 * chosen unless set.
	 */
	JDBC,

	/**
	 * A cache of the application's Spring CacheManager, which must be distributed.
	 * Never chosen unless set.
	 */
	SPRING

}
