package io.socketbox.spring.internal.cluster;

import io.socketbox.spring.ClusterCallResult;

/**
 * Ends a call early with a result that is not OK; caught where the call's result is made,
 * so it never reaches a caller.
 */
final class RpcFailure extends RuntimeException {

	private final ClusterCallResult.Status status;

	RpcFailure(ClusterCallResult.Status status, String message) {
		super(message, null, false, false);
		this.status = status;
	}

	ClusterCallResult.Status getStatus() {
		return this.status;
	}

}
