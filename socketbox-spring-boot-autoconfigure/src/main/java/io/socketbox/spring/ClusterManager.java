package io.socketbox.spring;

import org.springframework.util.Assert;

/**
 * The manager node of the cluster, as this node last saw it.
 *
 * @param nodeId the id of the manager
 * @param fencingToken the manager's fencing token: larger than the token of every
 * earlier manager when the cache can compare-and-set atomically, {@code 0} when it
 * cannot (no token is issued then)
 */
public record ClusterManager(String nodeId, long fencingToken) {

	public ClusterManager {
		Assert.hasText(nodeId, "'nodeId' must not be empty");
	}

}
