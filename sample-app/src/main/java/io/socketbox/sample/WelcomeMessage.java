package io.socketbox.sample;

/**
 * Sent to a connection when it opens.
 *
 * @param type always "welcome"
 * @param connection the id of the connection
 * @param node the name of the node that holds it
 */
record WelcomeMessage(String type, String connection, String node) {

	WelcomeMessage(String connection, String node) {
		this("welcome", connection, node);
	}

}
