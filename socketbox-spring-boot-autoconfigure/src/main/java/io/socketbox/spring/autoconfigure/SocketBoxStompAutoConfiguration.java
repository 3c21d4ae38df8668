package io.socketbox.spring.autoconfigure;

import io.socketbox.spring.internal.cluster.ClusterNode;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;

/**
 * Auto-configuration that clusters Spring's simple STOMP broker
 * ({@code @EnableWebSocketMessageBroker} with {@code enableSimpleBroker}) in cluster
 * mode: subscriptions are shared with the peers, and each message goes once to every
 * peer that subscribes to its destination.
 */
@AutoConfiguration(after = SocketBoxAutoConfiguration.class)
@ConditionalOnClass(SimpleBrokerMessageHandler.class)
@ConditionalOnBean(ClusterNode.class)
@ConditionalOnBooleanProperty(name = "socketbox.stomp.enabled", matchIfMissing = true)
public final class SocketBoxStompAutoConfiguration {

	@Bean
	StompClusterInstaller socketBoxStompClusterInstaller(ClusterNode node, ListableBeanFactory beanFactory) {
		return new StompClusterInstaller(node, beanFactory);
	}

}
