package io.socketbox.spring;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The outcome of a {@link ClusterOperation} call on one node: a value, or the reason
 * there is none. A call always ends with a result, never with an exception.
 *
 * @param <T> the type of the value
 * @param nodeId the id of the node that was called
 * @param status how the call ended
 * @param value what the operation returned, when {@link Status#OK OK}; may be
 * {@code null} then too, for an operation that returns nothing or {@code null}
 * @param error why there is no value, when not {@link Status#OK OK}
 */
public record ClusterCallResult<T>(String nodeId, Status status, @Nullable T value, @Nullable String error) {

	public ClusterCallResult {
		Assert.notNull(nodeId, "'nodeId' must not be null");
		Assert.notNull(status, "'status' must not be null");
		if (status == Status.OK) {
			Assert.isNull(error, "An OK result has no error");
		}
		else {
			Assert.isNull(value, "Only an OK result has a value");
			Assert.notNull(error, "A result that is not OK says why");
		}
	}

	/**
	 * Return the result of an operation that completed.
	 * @param <T> the type of the value
	 * @param nodeId the node that ran it
	 * @param value what it returned
	 * @return the result
	 */
	public static <T> ClusterCallResult<T> ok(String nodeId, @Nullable T value) {
		return new ClusterCallResult<>(nodeId, Status.OK, value, null);
	}

	/**
	 * Return the result of an operation that failed on the node.
	 * @param <T> the type of the value
	 * @param nodeId the node
	 * @param error why
	 * @return the result
	 */
	public static <T> ClusterCallResult<T> failed(String nodeId, String error) {
		return new ClusterCallResult<>(nodeId, Status.FAILED, null, error);
	}

	/**
	 * Return the result of a call for an operation that the node does not have.
	 * @param <T> the type of the value
	 * @param nodeId the node
	 * @param error which operation it lacks
	 * @return the result
	 */
	public static <T> ClusterCallResult<T> unknownOperation(String nodeId, String error) {
		return new ClusterCallResult<>(nodeId, Status.UNKNOWN_OPERATION, null, error);
	}

	/**
	 * Return the result of a call that got no reply in time.
	 * @param <T> the type of the value
	 * @param nodeId the node
	 * @param error how long the caller waited
	 * @return the result
	 */
	public static <T> ClusterCallResult<T> timedOut(String nodeId, String error) {
		return new ClusterCallResult<>(nodeId, Status.TIMED_OUT, null, error);
	}

	/**
	 * Return the result of a call that could not reach the node, or lost it before the
	 * reply.
	 * @param <T> the type of the value
	 * @param nodeId the node
	 * @param error why
	 * @return the result
	 */
	public static <T> ClusterCallResult<T> unreachable(String nodeId, String error) {
		return new ClusterCallResult<>(nodeId, Status.UNREACHABLE, null, error);
	}

	/**
	 * Whether the operation completed and this result holds its value.
	 * @return {@code true} for {@link Status#OK}
	 */
	public boolean isOk() {
		return this.status == Status.OK;
	}

	/**
	 * How a call ended.
	 */
	public enum Status {

		/**
		 * The operation completed; the result holds its value.
		 */
		OK,

		/**
		 * The node had the operation but the call failed: the operation threw, the
		 * arguments did not fit its parameters, or the request or the result could not
		 * be written, read, or sent within {@code socketbox.cluster.max-frame-size}.
		 */
		FAILED,

		/**
		 * The node has no operation of that name.
		 */
		UNKNOWN_OPERATION,

		/**
		 * No reply came within the call's timeout; the operation may still run, or have
		 * run, on the node. A reply that comes later is ignored.
		 */
		TIMED_OUT,

		/**
		 * The node is not linked to this one, or its link was lost before it replied; the
		 * operation may or may not have run there.
		 */
		UNREACHABLE

	}

}
