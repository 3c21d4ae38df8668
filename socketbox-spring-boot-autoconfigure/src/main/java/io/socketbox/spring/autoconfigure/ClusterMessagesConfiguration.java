package io.socketbox.spring.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterMessageListener;
import io.socketbox.spring.ClusterMessages;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.ClusterMessageCodec;
import io.socketbox.spring.internal.cluster.ClusterMessageDispatcher;
import io.socketbox.spring.internal.cluster.ClusterMessageListenerRegistry;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.cluster.DefaultClusterMessages;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configuration of custom cluster messages: on every node, the registry of
 * {@link ClusterMessageListener} methods, the codec and the dispatcher that runs the
 * listeners for messages from peers; on a node that runs alone, {@link ClusterMessages}
 * that reach nobody; in cluster mode, {@link ClusterMessages} that queue on the peer
 * links, whose {@link ClusterNode} hands what peers publish to the dispatcher.
 */
@Configuration(proxyBeanMethods = false)
class ClusterMessagesConfiguration {

	/**
	 * Listeners that may run at once, for different senders.
	 */
	private static final int THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

	@Bean
	@ConditionalOnMissingBean
	ClusterMessageListenerRegistry socketBoxClusterMessageListenerRegistry() {
		return new ClusterMessageListenerRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterMessageCodec socketBoxClusterMessageCodec(SocketBoxProperties properties,
			ObjectProvider<JsonMapper> jsonMapper) {
		// The limit of a peer frame even on a node alone, so that a message that works
		// here does not fail only once the application runs as a cluster
		return new ClusterMessageCodec(jsonMapper.getIfAvailable(JsonMapper::shared),
				ClusterSettingsValidator.maxFrameSize(properties.getCluster()));
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterMessageDispatcher socketBoxClusterMessageDispatcher(ClusterMessageListenerRegistry registry,
			ClusterMessageCodec codec) {
		return new ClusterMessageDispatcher(registry, codec, THREADS);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "socketbox.cluster.enabled", havingValue = "false", matchIfMissing = true)
	static class SingleNodeMessagesConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterMessages.class)
		DefaultClusterMessages socketBoxClusterMessages(LocalNode localNode, ClusterMessageCodec codec) {
			return new DefaultClusterMessages(localNode.getId(), codec, null);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("socketbox.cluster.enabled")
	static class ClusterNodeMessagesConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterMessages.class)
		DefaultClusterMessages socketBoxClusterMessages(LocalNode localNode, ClusterNode node,
				ClusterMessageCodec codec) {
			return new DefaultClusterMessages(localNode.getId(), codec, node.getMessaging());
		}

	}

}
