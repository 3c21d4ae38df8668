package io.socketbox.spring.autoconfigure;

import java.util.Locale;

import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.LocalConnections;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cluster.ClusterMembership;
import io.socketbox.spring.cluster.ClusterMessaging;
import io.socketbox.spring.cluster.ClusterNode;
import io.socketbox.spring.cluster.LocalNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;

/**
 * Configuration of cluster mode: the shared cache, membership and the cluster endpoint.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("socketbox.cluster.enabled")
@Import({ CacheProviderConfigurations.RedisCacheProviderConfiguration.class,
		CacheProviderConfigurations.FileCacheProviderConfiguration.class,
		CacheProviderConfigurations.MemoryCacheProviderConfiguration.class,
		CacheProviderConfigurations.JdbcCacheProviderConfiguration.class,
		CacheProviderConfigurations.SpringCacheProviderConfiguration.class })
class ClusterConfiguration {

	private static final Log logger = LogFactory.getLog(ClusterConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ClusterNode socketBoxClusterNode(SocketBoxProperties properties, LocalNode localNode,
			LocalConnections connections, ObjectProvider<CacheProvider> cacheProvider,
			ObjectProvider<JsonMapper> jsonMapper, ApplicationEventPublisher eventPublisher) {
		SocketBoxProperties.Cluster cluster = properties.getCluster();
		String secret = validateSecret(cluster.getSecretKey());
		if (cluster.getName() != null && !cluster.getName().isBlank()) {
			NodeNameSupplier.validate(cluster.getName().trim());
		}
		CacheProvider cache = cacheProvider.getIfAvailable();
		if (cache == null) {
			CacheType type = properties.getCache().getType();
			String name = String.valueOf(type).toLowerCase(Locale.ROOT);
			throw new InvalidConfigurationPropertyValueException("socketbox.cache.type", type,
					"Cluster mode needs a shared cache, and '" + name + "' is not available: " + howToEnable(type)
							+ ", set socketbox.cache.type to 'file' or 'memory', or declare a CacheProvider bean");
		}
		warnIfFramesCannotCarryClientMessages(properties);
		validateMaxPendingHandshakes(cluster);
		return new ClusterNode(localNode, connections, SocketBoxAutoConfiguration.payloadWriter(jsonMapper), cache,
				new StandardWebSocketClient(), eventPublisher, settings(properties, secret));
	}

	/**
	 * The settings of the node, in the groups of {@link ClusterNode.Settings}.
	 */
	static ClusterNode.Settings settings(SocketBoxProperties properties, String secret) {
		SocketBoxProperties.Cluster cluster = properties.getCluster();
		ClusterNode.Discovery discovery = new ClusterNode.Discovery(cluster.getCachePrefix(),
				cluster.getRefreshInterval(), cluster.getMemberTimeout());
		ClusterNode.Links links = new ClusterNode.Links(cluster.getHandshakeTimeout(),
				cluster.getMaxPendingHandshakes(), cluster.getHeartbeatInterval(), cluster.getHeartbeatTimeout(),
				cluster.getReconnectInitialDelay(), cluster.getReconnectMaxDelay(),
				(int) cluster.getMaxFrameSize().toBytes(), cluster.getSendTimeLimit(),
				(int) cluster.getSendBufferSizeLimit().toBytes());
		ClusterNode.Delivery delivery = new ClusterNode.Delivery(cluster.getReplyTimeout(), cluster.getResendWindow(),
				cluster.getResendBufferSize().toBytes());
		return new ClusterNode.Settings(secret, discovery, links, delivery, properties.isDebugMode());
	}

	/**
	 * JSON escapes a control character in six characters, and an application that wraps
	 * a client's text in JSON of its own escapes it again (seven): a broadcast of a
	 * client message up to the text limit must fit in a link frame, or it reaches only
	 * this node's connections (and is counted as dropped).
	 */
	private static void warnIfFramesCannotCarryClientMessages(SocketBoxProperties properties) {
		long maxFrameSize = properties.getCluster().getMaxFrameSize().toBytes();
		long needed = 7 * properties.getMaxTextMessageSize().toBytes() + 1024;
		if (maxFrameSize < needed) {
			logger.warn("socketbox.cluster.max-frame-size (" + maxFrameSize + " bytes) is less than 7 times "
					+ "socketbox.max-text-message-size plus 1 KB (" + needed + " bytes): a client message that "
					+ "is broadcast as it came, with characters that JSON escapes, may not fit in a frame "
					+ "between nodes; such frames are dropped and counted");
		}
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

	private static String validateSecret(String secret) {
		if (secret == null || secret.isBlank()) {
			throw new InvalidConfigurationPropertyValueException("socketbox.cluster.secret-key", null,
					"Cluster mode needs a secret that every node shares: set socketbox.cluster.secret-key "
							+ "to a random string of at least " + ClusterNode.MIN_SECRET_LENGTH + " characters");
		}
		if (secret.length() < ClusterNode.MIN_SECRET_LENGTH) {
			throw new InvalidConfigurationPropertyValueException("socketbox.cluster.secret-key",
					"<" + secret.length() + " characters>",
					"The secret must have at least " + ClusterNode.MIN_SECRET_LENGTH
							+ " characters: set socketbox.cluster.secret-key to a longer random string");
		}
		return secret;
	}

	private static int validateMaxPendingHandshakes(SocketBoxProperties.Cluster cluster) {
		int max = cluster.getMaxPendingHandshakes();
		if (max < 1) {
			throw new InvalidConfigurationPropertyValueException("socketbox.cluster.max-pending-handshakes", max,
					"At least one connection must be able to complete the peer handshake: set "
							+ "socketbox.cluster.max-pending-handshakes to 1 or more");
		}
		return max;
	}

	@Bean
	ClusterMessaging socketBoxMessaging(ClusterNode node) {
		return node.getMessaging();
	}

	@Bean
	ClusterMembership socketBoxCluster(ClusterNode node, SocketBoxProperties properties) {
		ClusterMembership membership = node.getMembership();
		membership.setAutoStartup(properties.getCluster().isAutoStartup());
		return membership;
	}

	@Bean
	WebSocketConfigurer socketBoxClusterEndpointConfigurer(ClusterNode node, SocketBoxProperties properties) {
		return (registry) -> registry.addHandler(node.getPeerHandler(), properties.getCluster().getPath())
			.addInterceptors(new SerializedOriginInterceptor(), node.getPeerHandshakeInterceptor());
	}

}
