package io.socketbox.spring;

/**
 * Told of the round trips that a cluster node measures: the periodic heartbeats on each
 * peer link and the direct sends that other nodes confirm. SocketBox's meters are one;
 * called on the threads that read the links, so it must not block.
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
