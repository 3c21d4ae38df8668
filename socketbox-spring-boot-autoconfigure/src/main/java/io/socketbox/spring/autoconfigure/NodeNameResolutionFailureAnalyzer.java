package io.socketbox.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import io.socketbox.spring.cluster.NodeNameResolutionException;

/**
 * Explains a start that failed because this node's name could not be resolved, and
 * which property to set instead.
 */
class NodeNameResolutionFailureAnalyzer extends AbstractFailureAnalyzer<NodeNameResolutionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, NodeNameResolutionException cause) {
		String description = "SocketBox could not resolve this node's name, the ws:// URL at which the other "
				+ "nodes of the cluster reach it: " + cause.getMessage();
		String action = """
				Set 'socketbox.cluster.name' to that URL (for example ws://10.0.0.7:8080/socketbox/cluster), \
				or 'socketbox.cluster.host' to this node's address, or choose another resolver with \
				'socketbox.cluster.name-resolver' (environment, kubernetes, ecs, local-address), or declare a \
				NodeNameResolver bean.""";
		return new FailureAnalysis(description, action, cause);
	}

}
