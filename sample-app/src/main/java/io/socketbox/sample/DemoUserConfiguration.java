package io.socketbox.sample;

import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.Map;

import io.socketbox.spring.autoconfigure.SocketBoxEndpointCustomizer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Gives each browser connection the principal named by {@code ?user=NAME} on the
 * WebSocket URL ({@link DemoUser}; a demo, not authentication). SocketBox takes a
 * connection's principal from the handshake, so this is done the Spring way, through
 * the endpoint's registration: an interceptor that refuses a bad name with {@code 400}
 * and a plain-text reason before the upgrade, and a handshake handler that turns the
 * accepted name into the principal. SocketBox has already refused a malformed query
 * (a bad {@code %} escape, bytes that are not UTF-8) the same way.
 */
@Configuration(proxyBeanMethods = false)
class DemoUserConfiguration {

	private static final String ATTRIBUTE = DemoUser.class.getName();

	@Bean
	SocketBoxEndpointCustomizer demoUserEndpointCustomizer() {
		return (registration) -> registration.addInterceptors(new DemoUserInterceptor())
			.setHandshakeHandler(new DemoUserHandshakeHandler());
	}

	static final class DemoUserInterceptor implements HandshakeInterceptor {

		private static final Log logger = LogFactory.getLog(DemoUserInterceptor.class);

		@Override
		public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
				WebSocketHandler wsHandler, Map<String, Object> attributes) throws Exception {
			DemoUser.Result user = DemoUser.fromParameter(userValues(request));
			if (user.isRefused()) {
				logger.debug("Refused a handshake: " + user.error());
				response.setStatusCode(HttpStatus.BAD_REQUEST);
				byte[] body = user.error().getBytes(StandardCharsets.UTF_8);
				response.getHeaders().setContentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8));
				response.getHeaders().setContentLength(body.length);
				response.getBody().write(body);
				return false;
			}
			if (user.name() != null) {
				attributes.put(ATTRIBUTE, new DemoPrincipal(user.name()));
			}
			return true;
		}

		/**
		 * The values of the {@code user} parameter as the servlet container decoded them.
		 * SocketBox's endpoint is served by a servlet container only, and has refused a
		 * query that the container cannot parse.
		 */
		private static String @Nullable [] userValues(ServerHttpRequest request) {
			if (request instanceof ServletServerHttpRequest servletRequest) {
				return servletRequest.getServletRequest().getParameterValues(DemoUser.PARAMETER);
			}
			return null;
		}

		@Override
		public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
				WebSocketHandler wsHandler, @Nullable Exception exception) {
		}

	}

	static final class DemoUserHandshakeHandler extends DefaultHandshakeHandler {

		@Override
		protected @Nullable Principal determineUser(ServerHttpRequest request, WebSocketHandler wsHandler,
				Map<String, Object> attributes) {
			Object user = attributes.get(ATTRIBUTE);
			return (user instanceof Principal principal) ? principal : super.determineUser(request, wsHandler,
					attributes);
		}

	}

	/**
	 * The name from {@code ?user=}.
	 *
	 * @param name the name
	 */
	record DemoPrincipal(String name) implements Principal {

		@Override
		public String getName() {
			return this.name;
		}

	}

}
