package io.socketbox.spring.testsupport;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * A {@link StringRedisTemplate} on its own connection, for tests that look into or
 * tamper with the cache behind the nodes' backs.
 */
public final class RedisTemplates implements AutoCloseable {

	private final LettuceConnectionFactory factory;

	private final StringRedisTemplate template;

	private RedisTemplates(int port) {
		this.factory = new LettuceConnectionFactory("127.0.0.1", port);
		this.factory.afterPropertiesSet();
		this.factory.start();
		this.template = new StringRedisTemplate(this.factory);
	}

	/**
	 * Connect to a Redis server on this machine.
	 * @param port the port of the server
	 * @return the connected templates
	 */
	public static RedisTemplates connect(int port) {
		return new RedisTemplates(port);
	}

	public StringRedisTemplate template() {
		return this.template;
	}

	@Override
	public void close() {
		this.factory.destroy();
	}

}
