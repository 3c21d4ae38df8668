package io.socketbox.sample;

/**
 * A message for one connection only.
 *
 * @param type always "direct"
 * @param from the id of the sending connection
 * @param text the text
 */
record DirectMessage(String type, String from, String text) {

	DirectMessage(String from, String text) {
		this("direct", from, text);
	}

}
