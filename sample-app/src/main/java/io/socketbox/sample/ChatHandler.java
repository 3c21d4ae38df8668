package io.socketbox.sample;

import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxHandler;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * The chat: greets each connection, fans chat messages out to the whole cluster and
 * routes direct messages to one connection, wherever it is. A malformed frame gets an
 * error back and leaves the connection open. With {@code sample.stream.enabled=true}
 * {@link StreamHandler} takes its place: the same chat, plus the stream's registrations.
 */
@Component
@ConditionalOnProperty(name = "sample.stream.enabled", havingValue = "false", matchIfMissing = true)
class ChatHandler extends SocketBoxHandler {

	private final JsonMapper jsonMapper;

	ChatHandler(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	@Override
	public void onConnect(SocketBoxConnection connection) {
		sendMessage(new WelcomeMessage(connection.getId(), getCluster().getNodeName()), connection);
	}

	@Override
	public void onMessage(String message, SocketBoxConnection connection) {
		ClientFrame frame = parse(message);
		if (frame == null) {
			reject(connection, "Malformed frame: expected a JSON object such as {\"type\":\"chat\",\"text\":\"...\"}");
			return;
		}
		String type = frame.type();
		if ("chat".equals(type)) {
			chat(frame, connection);
		}
		else if ("direct".equals(type)) {
			direct(frame, connection);
		}
		else {
			reject(connection, "Unknown type '" + type + "': expected 'chat' or 'direct'");
		}
	}

	private void chat(ClientFrame frame, SocketBoxConnection connection) {
		String text = frame.text();
		if (text == null) {
			reject(connection, "A chat frame needs 'text'");
			return;
		}
		broadcastMessage(new ChatMessage(connection.getId(), getCluster().getNodeName(), text));
	}

	private void direct(ClientFrame frame, SocketBoxConnection connection) {
		String to = frame.to();
		String text = frame.text();
		if (to == null || to.isBlank() || text == null) {
			reject(connection, "A direct frame needs 'to' and 'text'");
			return;
		}
		sendMessage(new DirectMessage(connection.getId(), text), to).thenAccept((result) -> {
			if (!result.isDelivered()) {
				reject(connection, "Direct message to '" + to + "' not delivered: " + result);
			}
		});
	}

	private void reject(SocketBoxConnection connection, String reason) {
		sendMessage(new ErrorMessage(reason), connection);
	}

	private @Nullable ClientFrame parse(String message) {
		try {
			return this.jsonMapper.readValue(message, ClientFrame.class);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

}
