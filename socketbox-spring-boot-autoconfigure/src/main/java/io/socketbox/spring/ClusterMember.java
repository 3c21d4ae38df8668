package io.socketbox.spring;

/**
 * Another node of the cluster, as this node sees it.
 *
 * @param id the node id
 * @param name the node name
 * @param link the state of the link to it
 */
public record ClusterMember(String id, String name, LinkState link) {

	/**
	 * The state of the link between this node and a member.
	 */
	public enum LinkState {

		/**
		 * Not linked: waiting for the member to dial, or for the next attempt.
		 */
		DOWN,

		/**
		 * Connecting or authenticating.
		 */
		CONNECTING,

		/**
		 * Authenticated both ways and carrying messages.
		 */
		UP

	}

}
