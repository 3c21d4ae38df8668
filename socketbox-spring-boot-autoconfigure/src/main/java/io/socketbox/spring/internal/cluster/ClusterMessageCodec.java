package io.socketbox.spring.internal.cluster;

import java.lang.reflect.Type;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterMessageTooLargeException;
import io.socketbox.spring.ClusterMessages;

import org.springframework.util.Assert;

/**
 * Writes the messages that {@link ClusterMessages} publishes and reads those that peers
 * publish, with the application's {@link JsonMapper}. A message travels as its JSON with
 * its type name, the name of its class; the reading side chooses the class to read into
 * from its own listeners, never from the name. The mapper's default typing, if the
 * application enabled it, is turned off for messages, so that no class name inside a
 * message chooses a class either (a message class's own {@code @JsonTypeInfo} still
 * applies).
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class ClusterMessageCodec {

	private final JsonMapper mapper;

	private final int maxBytes;

	/**
	 * Create a codec.
	 * @param mapper writes and reads messages, without its default typing
	 * @param maxBytes the most UTF-8 bytes of a message's JSON: the peer frame limit
	 */
	public ClusterMessageCodec(JsonMapper mapper, int maxBytes) {
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(maxBytes > 0, "'maxBytes' must be positive");
		// Default typing would let a peer name classes inside a message, which only a
		// listener's declared class may decide
		this.mapper = mapper.rebuild().deactivateDefaultTyping().build();
		this.maxBytes = maxBytes;
	}

	/**
	 * Return the type name under which a class of messages travels.
	 * @param type the class
	 * @return its name
	 */
	static String typeName(Class<?> type) {
		return type.getName();
	}

	/**
	 * Write a message.
	 * @param message the message
	 * @return its type name and JSON
	 * @throws IllegalArgumentException if the message is {@code null} or cannot be
	 * written
	 * @throws ClusterMessageTooLargeException if its JSON is larger than the limit
	 */
	Encoded write(@Nullable Object message) {
		Assert.notNull(message, "'message' must not be null");
		Class<?> type = (message instanceof Enum<?> constant) ? constant.getDeclaringClass() : message.getClass();
		String json;
		try {
			json = this.mapper.writeValueAsString(message);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Cluster message of type " + type.getName() + " could not be written as JSON: "
							+ RpcCodec.describe(ex), ex);
		}
		int size = RpcCodec.utf8Length(json);
		if (size > this.maxBytes) {
			throw new ClusterMessageTooLargeException("Cluster message of type " + type.getName() + " too large ("
					+ size + " bytes > " + this.maxBytes + ", socketbox.cluster.max-frame-size)");
		}
		return new Encoded(typeName(type), json);
	}

	/**
	 * Return the Jackson type of a listener's parameter.
	 */
	JavaType type(Type type) {
		return this.mapper.constructType(type);
	}

	/**
	 * Read a message into the given type.
	 * @throws tools.jackson.core.JacksonException if the JSON does not fit the type
	 */
	@Nullable Object read(String json, JavaType type) {
		return this.mapper.readValue(json, type);
	}

	/**
	 * A message ready to travel.
	 *
	 * @param type its type name
	 * @param json its JSON
	 */
	record Encoded(String type, String json) {

	}

}
