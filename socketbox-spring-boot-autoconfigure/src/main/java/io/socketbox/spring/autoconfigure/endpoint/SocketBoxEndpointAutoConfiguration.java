package io.socketbox.spring.autoconfigure.endpoint;

import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.actuate.SocketBoxEndpoint;
import io.socketbox.spring.autoconfigure.SocketBoxAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link SocketBoxEndpoint socketbox endpoint}, when Spring
 * Boot's Actuator is on the class path and the endpoint is exposed (for the web:
 * {@code management.endpoints.web.exposure.include=socketbox}).
 */
@AutoConfiguration(after = SocketBoxAutoConfiguration.class)
@ConditionalOnClass({ SocketBoxEndpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean({ SocketBoxCluster.class, SocketBoxMessaging.class })
@ConditionalOnAvailableEndpoint(SocketBoxEndpoint.class)
public final class SocketBoxEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SocketBoxEndpoint socketBoxEndpoint(SocketBoxCluster cluster, SocketBoxMessaging messaging,
			ObjectProvider<SocketBoxDirectory> directory) {
		return new SocketBoxEndpoint(cluster, messaging, directory.getIfUnique());
	}

}
