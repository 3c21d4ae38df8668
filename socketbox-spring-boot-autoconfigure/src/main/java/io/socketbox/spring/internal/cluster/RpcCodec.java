package io.socketbox.spring.internal.cluster;

import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterCallResult.Status;

import org.springframework.core.ResolvableType;
import org.springframework.util.Assert;
import org.springframework.util.ClassUtils;

/**
 * Writes and reads the JSON of {@link RpcRequest} and {@link RpcResponse}. The messages
 * themselves use a mapper of their own, as {@code EnvelopeCodec} does, so that their
 * format and the limits on what another node may send (nesting depth, number length) do
 * not change with the application's Jackson settings; the arguments and results inside
 * them use the application's {@link JsonMapper}, which knows its types. A request or a
 * reply larger than the limit, in UTF-8 bytes, is not sent: a request fails its call
 * before it leaves, a reply is replaced by a {@code FAILED} one.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 */
public final class RpcCodec {

	/**
	 * Most characters of an error message that cross the wire, so that a huge exception
	 * message cannot push a reply over the limit.
	 */
	static final int MAX_ERROR_LENGTH = 1000;

	private final JsonMapper wire = JsonMapper.builder().build();

	private final JsonMapper mapper;

	private final int maxBytes;

	/**
	 * Create a codec.
	 * @param mapper writes and reads arguments and results
	 * @param maxBytes the most UTF-8 bytes of a request or a reply: the peer frame limit
	 * less what the frame around it takes
	 */
	public RpcCodec(JsonMapper mapper, int maxBytes) {
		Assert.notNull(mapper, "'mapper' must not be null");
		Assert.isTrue(maxBytes > 0, "'maxBytes' must be positive");
		this.mapper = mapper;
		this.maxBytes = maxBytes;
	}

	/**
	 * Return the JSON of a request.
	 * @throws RpcFailure when an argument cannot be written or the request is too large
	 */
	String writeRequest(String operation, List<@Nullable Object> arguments) {
		String json;
		try {
			json = this.wire.writeValueAsString(new RpcRequest(operation, this.mapper.valueToTree(arguments)));
		}
		catch (RuntimeException ex) {
			throw new RpcFailure(Status.FAILED,
					"Arguments of '" + operation + "' could not be written as JSON: " + describe(ex));
		}
		int size = utf8Length(json);
		if (size > this.maxBytes) {
			throw new RpcFailure(Status.FAILED, "request too large (" + size + " bytes > " + this.maxBytes + ")");
		}
		return json;
	}

	/**
	 * Return the request in the given JSON.
	 * @throws RpcFailure when it is not a request
	 */
	RpcRequest readRequest(String json) {
		RpcRequest request;
		try {
			request = this.wire.readValue(json, RpcRequest.class);
		}
		catch (RuntimeException ex) {
			throw new RpcFailure(Status.FAILED, "Malformed request: " + describe(ex));
		}
		if (request == null || request.operation() == null) {
			throw new RpcFailure(Status.FAILED, "Malformed request: no operation");
		}
		return request;
	}

	/**
	 * Return the arguments of a request as the parameters of the given method take them.
	 * @param operation the operation's name, for messages
	 * @param args the JSON arguments; {@code null} for none
	 * @param method the method to invoke
	 * @param targetClass the class of the bean, to resolve type variables against
	 * @throws RpcFailure when the arguments do not fit the parameters
	 */
	@Nullable Object[] readArguments(String operation, @Nullable JsonNode args, Method method, Class<?> targetClass) {
		int count = method.getParameterCount();
		if (args != null && !args.isNull() && !args.isArray()) {
			throw new RpcFailure(Status.FAILED, "Arguments of '" + operation + "' must be a JSON array");
		}
		int given = (args != null && args.isArray()) ? args.size() : 0;
		if (given != count) {
			throw new RpcFailure(Status.FAILED, "Operation '" + operation + "' takes " + count + " argument"
					+ ((count != 1) ? "s" : "") + ", got " + given);
		}
		@Nullable Object[] values = new Object[count];
		for (int i = 0; i < count; i++) {
			values[i] = readArgument(operation, args.get(i), method, i, targetClass);
		}
		return values;
	}

	private @Nullable Object readArgument(String operation, JsonNode arg, Method method, int index,
			Class<?> targetClass) {
		Type type = ResolvableType.forMethodParameter(method, index, targetClass).getType();
		Class<?> parameterType = method.getParameterTypes()[index];
		Object value;
		try {
			value = this.mapper.treeToValue(arg, this.mapper.constructType(type));
		}
		catch (RuntimeException ex) {
			throw new RpcFailure(Status.FAILED, "Argument " + (index + 1) + " of '" + operation + "' is not a "
					+ type.getTypeName() + ": " + describe(ex));
		}
		// The mapper may be configured to read null as null for a primitive; the method
		// must not see a null or an object of another type whatever the configuration
		if ((value == null) ? parameterType.isPrimitive() : !ClassUtils.isAssignableValue(parameterType, value)) {
			throw new RpcFailure(Status.FAILED,
					"Argument " + (index + 1) + " of '" + operation + "' is not a " + type.getTypeName());
		}
		return value;
	}

	/**
	 * Return the JSON of a reply with the given value, or of a {@code FAILED} one when the
	 * value cannot be written or makes the reply too large.
	 */
	String writeValue(String operation, @Nullable Object value) {
		String json;
		try {
			JsonNode tree = this.mapper.valueToTree(value);
			json = this.wire.writeValueAsString(new RpcResponse(Status.OK.name(), tree, null));
		}
		catch (RuntimeException ex) {
			return writeError(Status.FAILED,
					"Result of '" + operation + "' could not be written as JSON: " + describe(ex));
		}
		int size = utf8Length(json);
		if (size > this.maxBytes) {
			return writeError(Status.FAILED, "result too large (" + size + " bytes > " + this.maxBytes + ")");
		}
		return json;
	}

	/**
	 * Return the JSON of a reply that is not OK.
	 */
	String writeError(Status status, String error) {
		Assert.isTrue(status == Status.FAILED || status == Status.UNKNOWN_OPERATION,
				"Only FAILED and UNKNOWN_OPERATION cross the wire");
		return this.wire.writeValueAsString(new RpcResponse(status.name(), null, truncate(error)));
	}

	/**
	 * Return the result in a reply; never throws.
	 */
	<T> ClusterCallResult<T> readResponse(String nodeId, String operation, String json, JavaType resultType) {
		RpcResponse response;
		try {
			response = this.wire.readValue(json, RpcResponse.class);
		}
		catch (RuntimeException ex) {
			return ClusterCallResult.failed(nodeId, "Malformed reply: " + describe(ex));
		}
		if (response == null || response.status() == null) {
			return ClusterCallResult.failed(nodeId, "Malformed reply: no status");
		}
		String error = (response.error() != null) ? response.error() : "no reason given";
		switch (response.status()) {
			case "OK":
				return readValue(nodeId, operation, response.value(), resultType);
			case "FAILED":
				return ClusterCallResult.failed(nodeId, error);
			case "UNKNOWN_OPERATION":
				return ClusterCallResult.unknownOperation(nodeId, error);
			default:
				return ClusterCallResult.failed(nodeId, "Malformed reply: status " + truncate(response.status()));
		}
	}

	private <T> ClusterCallResult<T> readValue(String nodeId, String operation, @Nullable JsonNode value,
			JavaType resultType) {
		if (value == null || value.isNull() || value.isMissingNode()) {
			return ClusterCallResult.ok(nodeId, null);
		}
		try {
			return ClusterCallResult.ok(nodeId, this.mapper.treeToValue(value, resultType));
		}
		catch (RuntimeException ex) {
			return ClusterCallResult.failed(nodeId,
					"Result of '" + operation + "' is not a " + resultType.toCanonical() + ": " + describe(ex));
		}
	}

	/**
	 * Return the Jackson type of the given result type.
	 */
	JavaType type(Type type) {
		return this.mapper.constructType(type);
	}

	/**
	 * Describe an exception for the other node: its class and message, never its stack.
	 */
	static String describe(Throwable ex) {
		String name = ex.getClass().getSimpleName();
		if (name.isEmpty()) {
			name = ex.getClass().getName();
		}
		String message = ex.getMessage();
		if (message == null) {
			return name;
		}
		// Jackson appends the location of the problem on further lines
		int newline = message.indexOf('\n');
		return truncate(name + ": " + ((newline >= 0) ? message.substring(0, newline) : message));
	}

	private static String truncate(String text) {
		return (text.length() > MAX_ERROR_LENGTH) ? text.substring(0, MAX_ERROR_LENGTH) + "..." : text;
	}

	/**
	 * Return the length of the text in UTF-8, counting a lone surrogate as the three bytes
	 * of the replacement character that it becomes on the link.
	 */
	static int utf8Length(String text) {
		int length = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				length++;
			}
			else if (c < 0x800) {
				length += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				length += 4;
				i++;
			}
			else {
				length += 3;
			}
		}
		return length;
	}

}
