package io.socketbox.spring.autoconfigure;

import java.util.Locale;

import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.ConnectionDirectory;
import io.socketbox.spring.internal.DirectoryUpdates;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.MalformedQueryInterceptor;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cluster.NodeNameResolver;
import io.socketbox.spring.internal.cluster.ClusterMembership;
import io.socketbox.spring.internal.cluster.ClusterMessageDispatcher;
import io.socketbox.spring.internal.cluster.ClusterMessaging;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.cluster.ClusterOperationInvoker;
import io.socketbox.spring.internal.cluster.RpcCodec;
import io.socketbox.spring.internal.LocalNode;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

/**
 * Configuration of cluster mode: the shared cache, membership and the cluster endpoint.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("socketbox.cluster.enabled")
// The cluster endpoint must be mapped even in an application without a SocketBoxHandler
// (one that only clusters its STOMP broker)
@EnableWebSocket
@Import({ CacheProviderConfigurations.RedisCacheProviderConfiguration.class,
		CacheProviderConfigurations.FileCacheProviderConfiguration.class,
		CacheProviderConfigurations.MemoryCacheProviderConfiguration.class,
		CacheProviderConfigurations.JdbcCacheProviderConfiguration.class,
		CacheProviderConfigurations.SpringCacheProviderConfiguration.class, PeerClientConfiguration.class })
class ClusterConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ClusterNode socketBoxClusterNode(SocketBoxProperties properties, LocalNode localNode,
			LocalConnections connections, ObjectProvider<CacheProvider> cacheProvider,
			ObjectProvider<JsonMapper> jsonMapper, ApplicationEventPublisher eventPublisher,
			ClusterOperationInvoker operationInvoker, RpcCodec rpcCodec,
			ObjectProvider<ClusterMessageDispatcher> messageDispatcher,
			@Qualifier(PeerClientConfiguration.BEAN_NAME) WebSocketClient peerClient) {
		ClusterSettingsValidator.validate(properties);
		CacheProvider cache = cacheProvider.getIfAvailable();
		if (cache == null) {
			CacheType type = properties.getCache().getType();
			String name = String.valueOf(type).toLowerCase(Locale.ROOT);
			throw new InvalidConfigurationPropertyValueException("socketbox.cache.type", type,
					"Cluster mode needs a shared cache, and '" + name + "' is not available: " + howToEnable(type)
							+ ", set socketbox.cache.type to 'file' or 'memory', or declare a CacheProvider bean");
		}
		ClusterNode node = new ClusterNode(localNode, connections,
				SocketBoxAutoConfiguration.payloadWriter(jsonMapper), cache, peerClient, eventPublisher,
				settings(properties), operationInvoker, rpcCodec,
				DirectorySettingsValidator.maxAttributesSize(properties), messageDispatcher.getIfAvailable());
		node.setAutoStartup(properties.getCluster().isAutoStartup());
		return node;
	}

	/**
	 * The settings of the node, in the groups of {@link ClusterNode.Settings}; call
	 * {@link ClusterSettingsValidator#validate} first.
	 */
	static ClusterNode.Settings settings(SocketBoxProperties properties) {
		SocketBoxProperties.Cluster cluster = properties.getCluster();
		ClusterNode.Discovery discovery = new ClusterNode.Discovery(cluster.getCachePrefix(),
				cluster.getRefreshInterval(), cluster.getMemberTimeout(), cluster.getManagerLeaseDuration());
		ClusterNode.Links links = new ClusterNode.Links(cluster.getHandshakeTimeout(),
				cluster.getMaxPendingHandshakes(), cluster.getHeartbeatInterval(), cluster.getHeartbeatTimeout(),
				cluster.getReconnectInitialDelay(), cluster.getReconnectMaxDelay(),
				(int) cluster.getMaxFrameSize().toBytes(), cluster.getSendTimeLimit(),
				(int) cluster.getSendBufferSizeLimit().toBytes());
		ClusterNode.Delivery delivery = new ClusterNode.Delivery(cluster.getReplyTimeout(), cluster.getResendWindow(),
				cluster.getResendBufferSize().toBytes());
		return new ClusterNode.Settings(cluster.getSecretKey(), discovery, links, delivery, properties.isDebugMode(),
				cluster.getPreviousSecretKeys());
	}

	private static String howToEnable(@Nullable CacheType type) {
		if (type == CacheType.JDBC) {
			return "add spring-boot-starter-jdbc and configure a single DataSource (spring.datasource.*)";
		}
		if (type == CacheType.SPRING) {
			return "declare a CacheManager bean (spring-boot-starter-cache with @EnableCaching and a distributed "
					+ "cache provider)";
		}
		return "add spring-boot-starter-data-redis and configure spring.data.redis.*";
	}

	@Bean
	@ConditionalOnMissingBean(SocketBoxMessaging.class)
	ClusterMessaging socketBoxMessaging(ClusterNode node) {
		return node.getMessaging();
	}

	@Bean
	@ConditionalOnMissingBean(SocketBoxDirectory.class)
	ConnectionDirectory socketBoxDirectory(ClusterNode node) {
		return node.getDirectory();
	}

	@Bean
	@ConditionalOnMissingBean
	DirectoryUpdates socketBoxDirectoryUpdates(ClusterNode node) {
		return node.getDirectoryUpdates();
	}

	@Bean
	@ConditionalOnMissingBean(SocketBoxCluster.class)
	ClusterMembership socketBoxCluster(ClusterNode node) {
		return node.getMembership();
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterStartupReport socketBoxClusterStartupReport(SocketBoxProperties properties, LocalNode localNode,
			NodeNameResolver nodeNameResolver, CacheProvider cache) {
		return new ClusterStartupReport(properties, localNode, nodeNameResolver, cache);
	}

	@Bean
	@ConditionalOnMissingBean(name = "socketBoxClusterEndpointConfigurer")
	WebSocketConfigurer socketBoxClusterEndpointConfigurer(ClusterNode node, SocketBoxProperties properties) {
		return (registry) -> registry.addHandler(node.getPeerHandler(), properties.getCluster().getPath())
			.addInterceptors(new MalformedQueryInterceptor(), new SerializedOriginInterceptor(),
					node.getPeerHandshakeInterceptor());
	}

}
