package io.socketbox.benchmarks;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the few figures scenario 9 needs from the sample's cluster endpoints, without
 * a JSON library: the sample's Jackson writes compact JSON, and node and connection ids
 * need no escaping.
 */
final class ClusterJson {

	private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

	private ClusterJson() {
	}

	/**
	 * Return the node id of a {@code GET /api/cluster} answer (its first {@code id}).
	 */
	static String nodeId(String cluster) {
		Matcher matcher = ID.matcher(cluster);
		if (!matcher.find()) {
			throw new IllegalArgumentException("No node id in " + cluster);
		}
		return matcher.group(1);
	}

	/**
	 * Return how many connections of the given node a {@code GET /api/connections}
	 * answer lists.
	 */
	static int connectionsOf(String connections, String nodeId) {
		return Target.count(connections, "\"node\":\"" + nodeId + "\"");
	}

	/**
	 * Return how many nodes of a {@code GET /api/nodes} or {@code GET /api/nodes/{id}}
	 * answer have the status {@code OK}.
	 */
	static int answered(String nodes) {
		return Target.count(nodes, "\"status\":\"OK\"");
	}

}
