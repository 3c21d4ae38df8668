package io.socketbox.spring.autoconfigure.health;

import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.autoconfigure.SocketBoxAutoConfiguration;
import io.socketbox.spring.health.SocketBoxHealthIndicator;
import io.socketbox.spring.internal.SocketBoxWebSocketHandler;
import io.socketbox.spring.internal.cluster.ClusterMembership;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@code socketbox} {@link SocketBoxHealthIndicator health
 * indicator}, when Spring Boot's health module is on the class path; off with
 * {@code management.health.socketbox.enabled=false}.
 */
@AutoConfiguration(after = SocketBoxAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(SocketBoxCluster.class)
@ConditionalOnEnabledHealthIndicator("socketbox")
public final class SocketBoxHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "socketboxHealthIndicator", "socketboxHealthContributor" })
	SocketBoxHealthIndicator socketboxHealthIndicator(SocketBoxCluster cluster,
			ObjectProvider<SocketBoxWebSocketHandler> endpointHandler) {
		SocketBoxWebSocketHandler handler = endpointHandler.getIfAvailable();
		return new SocketBoxHealthIndicator(cluster, () -> handler == null || handler.isRunning(),
				(cluster instanceof ClusterMembership membership) ? membership::isCacheReachable : null);
	}

}
