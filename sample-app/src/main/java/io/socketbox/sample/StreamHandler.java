package io.socketbox.sample;

import io.socketbox.spring.SocketBoxConnection;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The chat, plus the stream's {@code register <name>} message (see
 * {@link StreamRegistrations}); every other message is the chat's.
 */
@Component
@ConditionalOnProperty(name = "sample.stream.enabled", havingValue = "true")
class StreamHandler extends ChatHandler {

	private static final String REGISTER = "register ";

	private final StreamRegistrations registrations;

	StreamHandler(JsonMapper jsonMapper, StreamRegistrations registrations) {
		super(jsonMapper);
		this.registrations = registrations;
	}

	@Override
	public void onMessage(String message, SocketBoxConnection connection) {
		if (message.startsWith(REGISTER) && message.length() > REGISTER.length()) {
			this.registrations.register(message.substring(REGISTER.length()), connection.getId());
			return;
		}
		super.onMessage(message, connection);
	}

}
