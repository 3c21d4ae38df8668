package io.socketbox.spring.testsupport;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jetty.servlet.JettyServletWebServerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The servlet container of a test application: Tomcat unless {@code test.server=jetty}.
 * Both are on the test class path, and Boot would otherwise take whichever
 * auto-configuration comes first; each container's own auto-configuration still
 * customizes the factory (port, address, WebSocket support).
 */
@Configuration(proxyBeanMethods = false)
public class TestServers {

	/**
	 * The property that names the container: {@code tomcat} (the default) or
	 * {@code jetty}.
	 */
	public static final String PROPERTY = "test.server";

	@Bean
	@ConditionalOnProperty(name = PROPERTY, havingValue = "tomcat", matchIfMissing = true)
	TomcatServletWebServerFactory tomcatServletWebServerFactory() {
		return new TomcatServletWebServerFactory();
	}

	@Bean
	@ConditionalOnProperty(name = PROPERTY, havingValue = "jetty")
	JettyServletWebServerFactory jettyServletWebServerFactory() {
		return new JettyServletWebServerFactory();
	}

}
