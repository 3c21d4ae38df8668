package io.socketbox.spring.internal.cluster;

import java.util.Collection;

import org.springframework.util.Assert;

/**
 * The manager for caches that cannot compare-and-set atomically: the node with the
 * lowest id among this node and the members it can reach. Node ids begin with their
 * start time, so that is the longest running node, and a node that joins does not
 * replace it.
 * <p>
 * All nodes name the same manager once they see the same members, which takes up to
 * the failure-detection bound after a node starts, stops or loses a link. Until then,
 * and for as long as a partition lasts, two nodes can both be manager, and a node can
 * take over from one that is only paused. There is no lease and no fencing token: the
 * rule suits work that may run twice, not work that must run at most once.
 */
public final class LowestIdManager {

	private LowestIdManager() {
	}

	/**
	 * Return the id of the manager.
	 * @param localId the id of this node
	 * @param reachableIds the ids of the members that this node can reach; may include
	 * this node's own
	 * @return the lowest of the ids
	 */
	public static String managerAmong(String localId, Collection<String> reachableIds) {
		Assert.hasText(localId, "'localId' must not be empty");
		Assert.notNull(reachableIds, "'reachableIds' must not be null");
		String manager = localId;
		for (String id : reachableIds) {
			if (id.compareTo(manager) < 0) {
				manager = id;
			}
		}
		return manager;
	}

}
