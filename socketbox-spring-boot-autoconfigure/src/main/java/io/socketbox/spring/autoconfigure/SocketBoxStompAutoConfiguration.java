package io.socketbox.spring.autoconfigure;

import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.stomp.ClusterSimpUserRegistry;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;
import org.springframework.messaging.simp.user.SimpUserRegistry;
import org.springframework.web.socket.messaging.DefaultSimpUserRegistry;

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

	/**
	 * Make the user registry that Spring's configuration creates answer for the whole
	 * cluster, so that its user destination resolver finds the sessions of every node.
	 * @return the post-processor
	 */
	@Bean
	@ConditionalOnClass(name = "org.springframework.web.socket.messaging.DefaultSimpUserRegistry")
	static BeanPostProcessor socketBoxClusterUserRegistryPostProcessor() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				// Exactly Spring's own registry: not a multi-server one (a broker relay)
				return (bean.getClass() == DefaultSimpUserRegistry.class)
						? new ClusterSimpUserRegistry((SimpUserRegistry) bean) : bean;
			}

		};
	}

	@Bean
	StompClusterInstaller socketBoxStompClusterInstaller(ClusterNode node, ListableBeanFactory beanFactory) {
		return new StompClusterInstaller(node, beanFactory);
	}

}
