package io.socketbox.spring;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.util.Assert;

/**
 * A call of a {@link ClusterOperation}: the operation's name, its arguments, the type to
 * read its result as, and optionally a timeout other than
 * {@code socketbox.cluster.rpc-timeout}.
 * <pre class="code">
 * ClusterCall&lt;List&lt;String&gt;&gt; call = ClusterCall
 * 	.of("rooms", new ParameterizedTypeReference&lt;List&lt;String&gt;&gt;() { }, "lobby")
 * 	.withTimeout(Duration.ofSeconds(2));
 * operations.callAll(call, true);
 * </pre>
 *
 * @param <T> the type of the result
 */
public final class ClusterCall<T> {

	private final String operation;

	private final Type resultType;

	private final List<@Nullable Object> arguments;

	private final @Nullable Duration timeout;

	private ClusterCall(String operation, Type resultType, List<@Nullable Object> arguments,
			@Nullable Duration timeout) {
		this.operation = operation;
		this.resultType = resultType;
		this.arguments = arguments;
		this.timeout = timeout;
	}

	/**
	 * Return a call of the named operation whose result is read as the given class.
	 * @param <T> the type of the result
	 * @param operation the operation's name
	 * @param resultType the class of the result; {@code Void.class} to ignore it
	 * @param arguments the arguments, each written as JSON
	 * @return the call
	 */
	public static <T> ClusterCall<T> of(String operation, Class<T> resultType, @Nullable Object... arguments) {
		Assert.notNull(resultType, "'resultType' must not be null");
		return create(operation, resultType, arguments);
	}

	/**
	 * Return a call of the named operation whose result is read as the given generic
	 * type.
	 * @param <T> the type of the result
	 * @param operation the operation's name
	 * @param resultType the type of the result
	 * @param arguments the arguments, each written as JSON
	 * @return the call
	 */
	public static <T> ClusterCall<T> of(String operation, ParameterizedTypeReference<T> resultType,
			@Nullable Object... arguments) {
		Assert.notNull(resultType, "'resultType' must not be null");
		return create(operation, resultType.getType(), arguments);
	}

	private static <T> ClusterCall<T> create(String operation, Type resultType, @Nullable Object[] arguments) {
		Assert.hasText(operation, "'operation' must not be empty");
		Assert.notNull(arguments, "'arguments' must not be null");
		return new ClusterCall<>(operation, resultType, Collections.unmodifiableList(Arrays.asList(arguments.clone())),
				null);
	}

	/**
	 * Return a copy of this call with the given timeout.
	 * @param timeout how long to wait for each node's result
	 * @return the call
	 */
	public ClusterCall<T> withTimeout(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive");
		return new ClusterCall<>(this.operation, this.resultType, this.arguments, timeout);
	}

	/**
	 * Return the name of the operation.
	 * @return the name
	 */
	public String getOperation() {
		return this.operation;
	}

	/**
	 * Return the type to read the result as.
	 * @return the type
	 */
	public Type getResultType() {
		return this.resultType;
	}

	/**
	 * Return the arguments.
	 * @return the arguments, in order
	 */
	public List<@Nullable Object> getArguments() {
		return this.arguments;
	}

	/**
	 * Return the timeout of this call.
	 * @return the timeout, or {@code null} for {@code socketbox.cluster.rpc-timeout}
	 */
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	@Override
	public String toString() {
		return "ClusterCall[" + this.operation + "]";
	}

}
