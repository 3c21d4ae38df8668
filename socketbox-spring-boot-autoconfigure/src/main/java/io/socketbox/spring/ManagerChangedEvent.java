package io.socketbox.spring;

import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the manager node changes as this node sees it: another node became
 * manager, this node became or stopped being manager, or no node is known to be.
 * <p>
 * The fencing token grows with every change of manager across the cluster. Pass it with
 * work that only the manager may do, and have whoever receives that work (a database, a
 * queue) refuse a token lower than the highest it has seen: a manager that was paused,
 * and replaced meanwhile, learns that it is no longer manager only on its next check,
 * and the token is what stops the work it does until then.
 * <p>
 * Published in order, on the thread that refreshes the cluster cache (or, with a cache
 * that cannot compare-and-set atomically, the thread that sends heartbeats): keep
 * listeners short and hand long work to another thread. A node that runs alone
 * publishes none: it is always manager.
 */
public final class ManagerChangedEvent extends ApplicationEvent {

	private final @Nullable String managerId;

	private final long fencingToken;

	private final boolean thisNode;

	/**
	 * Create an event.
	 * @param source the component that publishes the event
	 * @param managerId the id of the manager, or {@code null} when none is known
	 * @param fencingToken the manager's fencing token, or {@code 0} when none has been
	 * issued
	 * @param thisNode whether this node is the manager
	 */
	public ManagerChangedEvent(Object source, @Nullable String managerId, long fencingToken, boolean thisNode) {
		super(source);
		this.managerId = managerId;
		this.fencingToken = fencingToken;
		this.thisNode = thisNode;
	}

	/**
	 * Return the id of the manager.
	 * @return the node id, or {@code null} when no node is known to be manager
	 */
	public @Nullable String getManagerId() {
		return this.managerId;
	}

	/**
	 * Return the manager's fencing token. With no manager, the token of the last one this
	 * node knew of.
	 * @return the token, or {@code 0} when none has been issued (a cache without atomic
	 * compare-and-set issues none)
	 */
	public long getFencingToken() {
		return this.fencingToken;
	}

	/**
	 * Return whether this node is the manager.
	 * @return whether this node is the manager
	 */
	public boolean isThisNode() {
		return this.thisNode;
	}

}
