package io.socketbox.spring.autoconfigure;

import java.util.Map;

import io.socketbox.spring.internal.SocketBoxWebSocketHandler;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;
import org.springframework.web.servlet.resource.ResourceHttpRequestHandler;

/**
 * Auto-configuration that serves the SocketBox JavaScript client at
 * {@code {socketbox.path}/client.js} (by default {@code /ws/client.js}) beside the
 * browsers' endpoint, so a page can load it with
 * {@code <script src="/ws/client.js"></script>}. The mapping is a handler mapping of its
 * own, as the WebSocket endpoint's is, so it needs no Spring MVC configuration; an
 * application replaces it with a bean named {@code socketBoxClientScriptHandlerMapping}
 * or turns it off by excluding this class.
 */
@AutoConfiguration(after = SocketBoxAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SimpleUrlHandlerMapping.class, ResourceHttpRequestHandler.class })
@ConditionalOnBean({ SocketBoxWebSocketHandler.class, SocketBoxProperties.class })
public final class SocketBoxClientScriptAutoConfiguration {

	/**
	 * Before the WebSocket endpoint's own mapping (order 1), which with SockJS maps every
	 * path under {@code socketbox.path}.
	 */
	static final int ORDER = 0;

	@Bean
	@ConditionalOnMissingBean(name = "socketBoxClientScriptHandler")
	ClientScriptRequestHandler socketBoxClientScriptHandler() {
		return new ClientScriptRequestHandler();
	}

	@Bean
	@ConditionalOnMissingBean(name = "socketBoxClientScriptHandlerMapping")
	SimpleUrlHandlerMapping socketBoxClientScriptHandlerMapping(SocketBoxProperties properties,
			ClientScriptRequestHandler socketBoxClientScriptHandler) {
		return new SimpleUrlHandlerMapping(Map.of(scriptPath(properties.getPath()), socketBoxClientScriptHandler),
				ORDER);
	}

	static String scriptPath(String endpointPath) {
		return StringUtils.trimTrailingCharacter(endpointPath, '/') + "/" + ClientScriptRequestHandler.FILENAME;
	}

}
