package io.socketbox.spring.internal.cluster;

import org.jspecify.annotations.Nullable;

/**
 * Which node is manager, as one node sees it.
 *
 * @param managerId the id of the manager, or {@code null} when this node knows of none
 * @param token the manager's fencing token; with no manager, the highest token of a
 * manager this node has seen ({@code 0} for none)
 * @param thisNode whether this node is the manager
 */
public record ManagerState(@Nullable String managerId, long token, boolean thisNode) {

	static final ManagerState NONE = new ManagerState(null, 0, false);

}
