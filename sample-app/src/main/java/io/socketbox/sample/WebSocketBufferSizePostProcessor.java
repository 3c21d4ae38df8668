package io.socketbox.sample;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Lowers Tomcat's WebSocket frame buffers (input, output and encoder of each session) to
 * {@link IdleConnectionTuning#BUFFER_SIZE} when the idle-connection tuning is on, unless
 * the system property is set already. Tomcat reads the property once, when its WebSocket
 * classes load, so it is set here, before the web server starts. It holds for the whole
 * JVM and is also every Tomcat WebSocket container's default message buffer size: a
 * WebSocket client of the application that takes whole messages needs its own limits.
 */
final class WebSocketBufferSizePostProcessor implements EnvironmentPostProcessor {

	static final String BUFFER_SIZE_PROPERTY = "org.apache.tomcat.websocket.DEFAULT_BUFFER_SIZE";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (environment.getProperty(IdleConnectionTuning.ENABLED_PROPERTY, Boolean.class, false)
				&& System.getProperty(BUFFER_SIZE_PROPERTY) == null) {
			System.setProperty(BUFFER_SIZE_PROPERTY, Integer.toString(IdleConnectionTuning.BUFFER_SIZE));
		}
	}

}
