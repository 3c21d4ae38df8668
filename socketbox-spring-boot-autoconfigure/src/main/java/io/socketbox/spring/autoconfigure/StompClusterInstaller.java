package io.socketbox.spring.autoconfigure;

import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.stomp.ClusterSimpUserRegistry;
import io.socketbox.spring.internal.stomp.ClusterStompBroker;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.messaging.simp.broker.SimpleBrokerMessageHandler;

/**
 * Clusters the application's {@link SimpleBrokerMessageHandler} once every singleton
 * exists and before any lifecycle starts (the broker, the web server, the cluster
 * links). Looked up then rather than by a condition, since Spring's configuration
 * declares the broker as an {@code AbstractBrokerMessageHandler} that is {@code null}
 * when a broker relay is configured instead.
 */
final class StompClusterInstaller implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(StompClusterInstaller.class);

	private final ClusterNode node;

	private final ListableBeanFactory beanFactory;

	private volatile @Nullable ClusterStompBroker broker;

	StompClusterInstaller(ClusterNode node, ListableBeanFactory beanFactory) {
		this.node = node;
		this.beanFactory = beanFactory;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, SimpleBrokerMessageHandler> brokers = this.beanFactory
			.getBeansOfType(SimpleBrokerMessageHandler.class);
		if (brokers.isEmpty()) {
			logger.debug("No simple STOMP broker to cluster");
			return;
		}
		if (brokers.size() > 1) {
			logger.warn("Not clustering STOMP: " + brokers.size() + " simple brokers " + brokers.keySet()
					+ ", where the cluster links carry the messages of one");
			return;
		}
		Map<String, ClusterSimpUserRegistry> registries = this.beanFactory
			.getBeansOfType(ClusterSimpUserRegistry.class);
		ClusterSimpUserRegistry users = (registries.size() == 1) ? registries.values().iterator().next() : null;
		this.broker = ClusterStompBroker.install(brokers.values().iterator().next(), this.node.getStompLinks(),
				users);
		logger.info("STOMP simple broker clustered: messages reach the subscribers of every node"
				+ ((users != null) ? ", user destinations the sessions of every node" : ""));
	}

	/**
	 * Return the clustered broker.
	 * @return the broker, or {@code null} if there is no simple broker to cluster
	 */
	@Nullable ClusterStompBroker getBroker() {
		return this.broker;
	}

}
