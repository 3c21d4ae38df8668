package io.socketbox.sample;

import org.jspecify.annotations.Nullable;

/**
 * A frame that a browser sends: {@code {"type":"chat","text":...}} or
 * {@code {"type":"direct","to":...,"text":...}}. Every field may be missing.
 *
 * @param type "chat" or "direct"
 * @param to the id of the connection a direct message goes to
 * @param text the text of the message
 */
record ClientFrame(@Nullable String type, @Nullable String to, @Nullable String text) {

}
