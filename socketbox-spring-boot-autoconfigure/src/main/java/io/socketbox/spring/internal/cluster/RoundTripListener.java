package io.socketbox.spring.internal.cluster;

/**
 * Told of the round trips that a node measures: heartbeats on each peer link and direct
 * sends to connections of other nodes. Called on the threads that read the links, so it
 * must not block.
 */
public interface RoundTripListener {

	/**
	 * A listener that ignores every round trip.
	 */
	RoundTripListener NONE = new RoundTripListener() {

	};

	/**
	 * A periodic heartbeat to a peer was answered.
	 * @param peerName the name of the peer
	 * @param nanos the time from writing the heartbeat to reading its answer
	 */
	default void heartbeat(String peerName, long nanos) {
	}

	/**
	 * A direct send to a connection of another node was confirmed by that node.
	 * @param nanos the time from the call to the confirmation
	 */
	default void directSend(long nanos) {
	}

}
