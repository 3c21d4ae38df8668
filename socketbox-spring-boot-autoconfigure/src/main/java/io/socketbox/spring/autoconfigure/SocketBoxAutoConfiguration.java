package io.socketbox.spring.autoconfigure;

import java.util.List;
import java.util.function.Function;

import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.ConnectionDirectory;
import io.socketbox.spring.internal.ConnectionLimitInterceptor;
import io.socketbox.spring.internal.DirectoryUpdates;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.internal.MalformedQueryInterceptor;
import io.socketbox.spring.internal.SingleNodeCluster;
import io.socketbox.spring.internal.SingleNodeMessaging;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxDirectory;
import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.internal.SocketBoxWebSocketHandler;
import io.socketbox.spring.cluster.EcsNodeNameResolver;
import io.socketbox.spring.cluster.EnvironmentVariableNodeNameResolver;
import io.socketbox.spring.cluster.KubernetesNodeNameResolver;
import io.socketbox.spring.cluster.LocalAddressNodeNameResolver;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.SessionSettings;
import io.socketbox.spring.internal.session.SessionTokens;
import io.socketbox.spring.cluster.NodeNameResolver;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistration;

/**
 * Auto-configuration for SocketBox: registers the
 * application's {@link SocketBoxHandler} bean at {@code socketbox.path} and, in cluster
 * mode, joins the cluster; an application with a STOMP message broker
 * ({@code @EnableWebSocketMessageBroker}) and no handler joins it too, for
 * {@link SocketBoxStompAutoConfiguration}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(WebSocketConfigurer.class)
@Conditional(SocketBoxAutoConfiguration.OnHandlerOrMessageBroker.class)
@EnableConfigurationProperties(SocketBoxProperties.class)
@Import({ ClusterConfiguration.class, ClusterOperationsConfiguration.class, ClusterMessagesConfiguration.class })
public final class SocketBoxAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	NodeNameResolver socketBoxNodeNameResolver(SocketBoxProperties properties, Environment environment,
			ObjectProvider<RestClient.Builder> restClientBuilder) {
		SocketBoxProperties.Cluster cluster = properties.getCluster();
		if (cluster.getHost() != null) {
			return new LocalAddressNodeNameResolver(cluster.getHost());
		}
		return switch (cluster.getNameResolver()) {
			case ENVIRONMENT -> new EnvironmentVariableNodeNameResolver(environment, cluster.getNameVariable());
			case KUBERNETES -> new KubernetesNodeNameResolver(environment, cluster.getPodIpVariable());
			case ECS -> new EcsNodeNameResolver(environment, restClientBuilder.getIfAvailable(RestClient::builder));
			case LOCAL_ADDRESS -> new LocalAddressNodeNameResolver();
			case AUTO -> new FirstResolvedNodeNameResolver(List.of(
					new EnvironmentVariableNodeNameResolver(environment, cluster.getNameVariable()),
					new KubernetesNodeNameResolver(environment, cluster.getPodIpVariable()),
					new EcsNodeNameResolver(environment, restClientBuilder.getIfAvailable(RestClient::builder)),
					new LocalAddressNodeNameResolver()));
		};
	}

	@Bean
	@ConditionalOnMissingBean
	LocalNode socketBoxLocalNode(SocketBoxProperties properties, Environment environment,
			NodeNameResolver nodeNameResolver) {
		return new LocalNode(new NodeNameSupplier(properties.getCluster(), environment, nodeNameResolver));
	}

	@Bean
	@ConditionalOnMissingBean
	LocalConnections socketBoxLocalConnections(LocalNode localNode, SocketBoxProperties properties) {
		return new LocalConnections(localNode.getId(), sessionSettings(properties.getSession()));
	}

	private static SessionSettings sessionSettings(SocketBoxProperties.Session session) {
		requirePositive("socketbox.session.resume-window", session.getResumeWindow(),
				session.getResumeWindow().isNegative() || session.getResumeWindow().isZero());
		requirePositive("socketbox.session.buffer-size", session.getBufferSize(), session.getBufferSize() < 1);
		requirePositive("socketbox.session.buffer-bytes", session.getBufferBytes(),
				session.getBufferBytes().toBytes() < 1);
		requirePositive("socketbox.session.history-size", session.getHistorySize(), session.getHistorySize() < 1);
		requirePositive("socketbox.session.history-bytes", session.getHistoryBytes(),
				session.getHistoryBytes().toBytes() < 1);
		requirePositive("socketbox.session.hello-timeout", session.getHelloTimeout(),
				session.getHelloTimeout().isNegative() || session.getHelloTimeout().isZero());
		return new SessionSettings(session.getResumeWindow(), session.getBufferSize(),
				session.getBufferBytes().toBytes(), session.getHistorySize(), session.getHistoryBytes().toBytes(),
				session.getHelloTimeout());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(SocketBoxHandler.class)
	SocketBoxWebSocketHandler socketBoxWebSocketHandler(SocketBoxHandler handler, SocketBoxCluster cluster,
			LocalConnections connections, SocketBoxProperties properties, ObjectProvider<DirectoryUpdates> directory) {
		SocketBoxWebSocketHandler.Limits limits = new SocketBoxWebSocketHandler.Limits(
				(int) properties.getSendTimeLimit().toMillis(), (int) properties.getSendBufferSizeLimit().toBytes(),
				(int) properties.getMaxTextMessageSize().toBytes(), properties.isReadLiveness());
		SocketBoxProperties.Cluster clusterProperties = properties.getCluster();
		SessionTokens tokens = SessionTokens.create(clusterProperties.getSecretKey(),
				clusterProperties.getPreviousSecretKeys(), properties.getSession().getResumeWindow());
		return new SocketBoxWebSocketHandler(handler, cluster, connections,
				directory.getIfAvailable(() -> DirectoryUpdates.NONE), tokens, limits, properties.isDebugMode());
	}

	private static void requirePositive(String name, Object value, boolean invalid) {
		if (invalid) {
			throw new InvalidConfigurationPropertyValueException(name, value, "Set " + name + " to more than zero");
		}
	}

	static Function<Object, String> payloadWriter(ObjectProvider<JsonMapper> jsonMapper) {
		JsonMapper mapper = jsonMapper.getIfAvailable(JsonMapper::shared);
		return mapper::writeValueAsString;
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(SocketBoxHandler.class)
	@EnableWebSocket
	static class EndpointConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "socketBoxWebSocketConfigurer")
		WebSocketConfigurer socketBoxWebSocketConfigurer(SocketBoxWebSocketHandler handler,
				SocketBoxProperties properties, ObjectProvider<SocketBoxEndpointCustomizer> customizers) {
			return (registry) -> {
				WebSocketHandlerRegistration registration = registry.addHandler(handler, properties.getPath())
					.addInterceptors(new MalformedQueryInterceptor(), handler.getHandshakeInterceptor(),
							new SerializedOriginInterceptor());
				List<String> origins = properties.getAllowedOriginPatterns();
				if (!origins.isEmpty()) {
					registration.setAllowedOriginPatterns(origins.toArray(String[]::new));
				}
				customizers.orderedStream().forEach((customizer) -> customizer.customize(registration));
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty("socketbox.max-connections")
	static class ConnectionLimitConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "socketBoxConnectionLimit")
		SocketBoxEndpointCustomizer socketBoxConnectionLimit(SocketBoxProperties properties,
				LocalConnections connections) {
			Integer max = properties.getMaxConnections();
			if (max == null || max < 1) {
				throw new InvalidConfigurationPropertyValueException("socketbox.max-connections", max,
						"Set socketbox.max-connections to 1 or more, or leave it unset for no limit");
			}
			ConnectionLimitInterceptor limit = new ConnectionLimitInterceptor(connections::size, max,
					"open browser connections", "socketbox.max-connections");
			return (registration) -> registration.addInterceptors(limit);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "socketbox.cluster.enabled", havingValue = "false", matchIfMissing = true)
	static class SingleNodeConfiguration {

		@Bean
		@ConditionalOnMissingBean(SocketBoxCluster.class)
		SingleNodeCluster socketBoxCluster(LocalNode localNode) {
			return new SingleNodeCluster(localNode);
		}

		@Bean
		@ConditionalOnMissingBean(SocketBoxMessaging.class)
		SingleNodeMessaging socketBoxMessaging(LocalConnections connections, ObjectProvider<JsonMapper> jsonMapper) {
			return new SingleNodeMessaging(connections, payloadWriter(jsonMapper));
		}

		@Bean
		@ConditionalOnMissingBean(SocketBoxDirectory.class)
		ConnectionDirectory socketBoxDirectory(LocalNode localNode, SocketBoxProperties properties,
				ApplicationEventPublisher eventPublisher) {
			return new ConnectionDirectory(localNode.getId(),
					properties.getDirectory().getMaxAttributesSize().toBytes(), eventPublisher::publishEvent);
		}

		@Bean
		@ConditionalOnMissingBean
		DirectoryUpdates socketBoxDirectoryUpdates(ObjectProvider<ConnectionDirectory> directory) {
			ConnectionDirectory local = directory.getIfAvailable();
			return (local != null) ? local.localUpdates() : DirectoryUpdates.NONE;
		}

	}

	/**
	 * The application has a {@link SocketBoxHandler}, or a STOMP message broker
	 * ({@code @EnableWebSocketMessageBroker}) that a cluster node can carry without one.
	 */
	static class OnHandlerOrMessageBroker extends AnyNestedCondition {

		OnHandlerOrMessageBroker() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnBean(SocketBoxHandler.class)
		static class HandlerPresent {

		}

		@ConditionalOnBean(type = "org.springframework.messaging.simp.config.AbstractMessageBrokerConfiguration")
		static class MessageBrokerPresent {

		}

	}

}
