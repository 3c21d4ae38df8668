package io.socketbox.spring;

/**
 * How many messages this node sent and received since it started, by kind, from
 * {@link SocketBoxMessaging#getMessageCounts()}. A message is sent once for each call of
 * the application ({@link SocketBoxMessaging#broadcast broadcast},
 * {@link SocketBoxMessaging#send(String, Object) send} to a connection id,
 * {@link SocketBoxMessaging#sendToUser sendToUser}), however many connections or nodes
 * it reaches; it is received once for each message that another node sent this node to
 * deliver to its connections.
 *
 * @param broadcastsSent broadcasts the application sent from this node
 * @param broadcastsReceived broadcasts other nodes sent to this node
 * @param directSent sends to one connection id that the application made on this node
 * @param directReceived sends to a connection of this node that other nodes asked for
 * @param userSent sends to a user that the application made on this node
 * @param userReceived sends to a user that other nodes asked this node to deliver
 */
public record SocketBoxMessageCounts(long broadcastsSent, long broadcastsReceived, long directSent,
		long directReceived, long userSent, long userReceived) {

	/**
	 * No message sent or received.
	 */
	public static final SocketBoxMessageCounts NONE = new SocketBoxMessageCounts(0, 0, 0, 0, 0, 0);

}
