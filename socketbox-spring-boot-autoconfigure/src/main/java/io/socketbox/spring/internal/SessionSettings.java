package io.socketbox.spring.internal;

import java.time.Duration;

/**
 * The settings of sessions, from {@code socketbox.session.*}.
 * <p>
 * Internal to SocketBox, public for the auto-configuration.
 *
 * @param resumeWindow how long a session lasts between connections
 * @param bufferSize most messages to one session kept for replay
 * @param bufferBytes most bytes of messages to one session kept for replay
 * @param historySize most broadcasts of one origin kept for replay
 * @param historyBytes most bytes of broadcasts of one origin kept for replay
 * @param helloTimeout how long a session client may take to send its first frame
 */
public record SessionSettings(Duration resumeWindow, int bufferSize, long bufferBytes, int historySize,
		long historyBytes, Duration helloTimeout) {

	/** The defaults of {@code socketbox.session.*}. */
	public static final SessionSettings DEFAULTS = new SessionSettings(Duration.ofMinutes(2), 100, 64 * 1024, 1000,
			1024 * 1024, Duration.ofSeconds(10));

}
