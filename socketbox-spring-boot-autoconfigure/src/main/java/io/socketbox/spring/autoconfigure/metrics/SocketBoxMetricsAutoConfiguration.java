package io.socketbox.spring.autoconfigure.metrics;

import io.micrometer.core.instrument.binder.MeterBinder;

import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.autoconfigure.SocketBoxAutoConfiguration;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.metrics.SocketBoxMeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration for the {@link SocketBoxMeterBinder SocketBox meters}, when
 * Micrometer is on the class path; Spring Boot binds them to its meter registry.
 */
@AutoConfiguration(after = SocketBoxAutoConfiguration.class)
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnBean({ SocketBoxCluster.class, SocketBoxMessaging.class })
public final class SocketBoxMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SocketBoxMeterBinder socketBoxMeterBinder(SocketBoxCluster cluster, SocketBoxMessaging messaging,
			ObjectProvider<SocketBoxDirectory> directory, ObjectProvider<ClusterNode> clusterNode) {
		ClusterNode node = clusterNode.getIfAvailable();
		return new SocketBoxMeterBinder(cluster, messaging, directory.getIfUnique(), (listener) -> {
			if (node != null) {
				node.setRoundTripListener(listener);
			}
		});
	}

}
