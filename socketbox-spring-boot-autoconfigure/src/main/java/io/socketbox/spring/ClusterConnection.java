package io.socketbox.spring;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A browser connection somewhere in the cluster, as the {@link SocketBoxDirectory}
 * knows it on every node.
 *
 * @param id the cluster-unique connection id
 * @param nodeId the id of the node that holds the connection
 * @param user the name of the connection's principal, or {@code null} when anonymous
 * @param attributes the attributes the application chose to publish, unmodifiable
 */
public record ClusterConnection(String id, String nodeId, @Nullable String user, Map<String, String> attributes) {

	public ClusterConnection {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(nodeId, "nodeId");
		attributes = (attributes != null) ? Map.copyOf(attributes) : Map.of();
	}

}
