package io.socketbox.sample;

/**
 * Tells a client that its last frame was rejected or could not be delivered.
 *
 * @param type always "error"
 * @param message what went wrong
 */
record ErrorMessage(String type, String message) {

	ErrorMessage(String message) {
		this("error", message);
	}

}
