package io.socketbox.sample;

/**
 * A chat message that every connection in the cluster receives.
 *
 * @param type always "chat"
 * @param from the id of the sending connection, or "server"
 * @param node the name of the node where the message came in
 * @param text the text
 */
record ChatMessage(String type, String from, String node, String text) {

	ChatMessage(String from, String node, String text) {
		this("chat", from, node, text);
	}

}
