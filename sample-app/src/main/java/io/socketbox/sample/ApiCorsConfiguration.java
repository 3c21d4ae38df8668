package io.socketbox.sample;

import java.io.IOException;
import java.util.List;

import io.socketbox.spring.autoconfigure.SocketBoxProperties;

import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.cors.DefaultCorsProcessor;
import org.springframework.web.servlet.config.annotation.CorsRegistration;
import org.springframework.web.servlet.config.annotation.CorsRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Spring MVC's CORS processing for {@code /api/**}, with the origins that may open the
 * chat's WebSocket ({@code socketbox.allowed-origin-patterns}; none but the page's own by
 * default): a request whose {@code Origin} is another site's, or malformed, gets 403
 * "Invalid CORS request", so a page on another site cannot broadcast through a visitor's
 * browser. Requests without an {@code Origin} (curl, scripts, other servers) and the
 * page's own pass. This is not authentication: a real application adds Spring Security,
 * with its CSRF protection, to its state-changing endpoints.
 * <p>
 * A refused request's body is never read, so the refusal says {@code Connection: close}:
 * Jetty closes a connection whose request body arrives after the response, and a client
 * that reused it would lose its next request.
 */
@Configuration(proxyBeanMethods = false)
final class ApiCorsConfiguration implements WebMvcConfigurer {

	private final List<String> allowedOriginPatterns;

	ApiCorsConfiguration(SocketBoxProperties properties) {
		this.allowedOriginPatterns = List.copyOf(properties.getAllowedOriginPatterns());
	}

	@Override
	public void addCorsMappings(CorsRegistry registry) {
		CorsRegistration api = registry.addMapping("/api/**");
		if (this.allowedOriginPatterns.isEmpty()) {
			// An empty list, not no call: a new registration allows every origin
			api.allowedOrigins();
		}
		else {
			api.allowedOriginPatterns(this.allowedOriginPatterns.toArray(String[]::new));
		}
	}

	@Bean
	static WebMvcRegistrations closingCorsRejections() {
		return new WebMvcRegistrations() {

			@Override
			public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
				RequestMappingHandlerMapping mapping = new RequestMappingHandlerMapping();
				mapping.setCorsProcessor(new ClosingCorsProcessor());
				return mapping;
			}

		};
	}

	/**
	 * Spring's CORS processing, whose refusals close the connection.
	 */
	static final class ClosingCorsProcessor extends DefaultCorsProcessor {

		@Override
		protected void rejectRequest(ServerHttpResponse response) throws IOException {
			response.getHeaders().setConnection("close");
			super.rejectRequest(response);
		}

	}

}
