package io.socketbox.spring.internal;

import java.security.SecureRandom;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * This node: an id that is new on every start, and a name resolved once the web server
 * knows its port. Ids begin with the start time, so that a node that starts later has a
 * higher id.
 */
public final class LocalNode {

	private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();

	/**
	 * Base-36 digits of the start time in milliseconds: enough until the year 5000.
	 */
	private static final int TIME_DIGITS = 9;

	private static final int RANDOM_DIGITS = 6;

	private final String id;

	private final Supplier<String> nameResolver;

	private volatile @Nullable String name;

	/**
	 * Create a node with a new id.
	 * @param nameResolver computes the node name on first use
	 */
	public LocalNode(Supplier<String> nameResolver) {
		this(newId(), nameResolver);
	}

	LocalNode(String id, Supplier<String> nameResolver) {
		this.id = id;
		this.nameResolver = nameResolver;
	}

	/**
	 * Return the id of this node.
	 * @return the id
	 */
	public String getId() {
		return this.id;
	}

	/**
	 * Return the name of this node, resolving it on first use.
	 * @return the name
	 */
	public String getName() {
		String name = this.name;
		if (name == null) {
			synchronized (this) {
				name = this.name;
				if (name == null) {
					name = this.nameResolver.get();
					Assert.state(name != null, "Node name could not be resolved");
					this.name = name;
				}
			}
		}
		return name;
	}

	private static String newId() {
		String time = Long.toString(System.currentTimeMillis(), 36);
		StringBuilder id = new StringBuilder(TIME_DIGITS + RANDOM_DIGITS);
		id.append("0".repeat(Math.max(0, TIME_DIGITS - time.length()))).append(time);
		SecureRandom random = new SecureRandom();
		for (int i = 0; i < RANDOM_DIGITS; i++) {
			id.append(ALPHABET[random.nextInt(ALPHABET.length)]);
		}
		return id.toString();
	}

	/**
	 * Return the id of the node that holds a connection.
	 * @param connectionId a cluster-unique connection id
	 * @return the node id, or {@code null} when the id names no node
	 */
	public static @Nullable String nodeIdOf(String connectionId) {
		int dot = connectionId.lastIndexOf('.');
		return (dot > 0) ? connectionId.substring(0, dot) : null;
	}

}
