package io.socketbox.spring.autoconfigure;

import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.context.SmartLifecycle;
import io.socketbox.spring.internal.cluster.RpcCodec;
import io.socketbox.spring.internal.cluster.ClusterOperationRegistry;
import io.socketbox.spring.internal.cluster.ClusterOperationInvoker;
import io.socketbox.spring.internal.ConnectionDirectory;
import io.socketbox.spring.SocketBoxDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterOperations;
import io.socketbox.spring.internal.LocalConnections;
import io.socketbox.spring.SendResult;
import io.socketbox.spring.internal.SingleNodeCluster;
import io.socketbox.spring.internal.SingleNodeMessaging;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.SocketBoxConnection;
import io.socketbox.spring.SocketBoxHandler;
import io.socketbox.spring.SocketBoxMessaging;
import io.socketbox.spring.SocketBoxStatistics;
import io.socketbox.spring.internal.SocketBoxWebSocketHandler;
import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.FileSystemCacheProvider;
import io.socketbox.spring.cache.InMemoryCacheProvider;
import io.socketbox.spring.cache.JdbcCacheProvider;
import io.socketbox.spring.cache.RedisCacheProvider;
import io.socketbox.spring.cache.SpringCacheProvider;
import io.socketbox.spring.internal.cluster.ClusterMembership;
import io.socketbox.spring.internal.cluster.ClusterMessaging;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.cluster.NodeNameResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.handler.AbstractUrlHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SocketBoxAutoConfiguration}.
 */
class SocketBoxAutoConfigurationTests {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class, JacksonAutoConfiguration.class))
		// Lettuce connects lazily; a closed port keeps any local Redis out of these tests
		.withPropertyValues("spring.data.redis.port=1", "spring.data.redis.connect-timeout=200ms");

	@TempDir
	Path cacheDirectory;

	@Test
	void backsOffWithoutSocketBoxHandler() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(SocketBoxProperties.class)
			.doesNotHaveBean(SocketBoxWebSocketHandler.class)
			.doesNotHaveBean(SocketBoxCluster.class)
			.doesNotHaveBean(SocketBoxMessaging.class)
			.doesNotHaveBean(LocalNode.class));
	}

	@Test
	void backsOffInNonWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class))
			.withUserConfiguration(HandlerConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(SocketBoxWebSocketHandler.class));
	}

	@Test
	void configuresSingleNodeByDefault() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(SocketBoxWebSocketHandler.class)
				.hasSingleBean(SocketBoxMessaging.class)
				.hasSingleBean(SocketBoxCluster.class)
				.hasSingleBean(LocalConnections.class)
				.hasSingleBean(LocalNode.class)
				.hasSingleBean(NodeNameResolver.class)
				.hasSingleBean(ClusterOperations.class)
				.doesNotHaveBean(ClusterNode.class)
				.doesNotHaveBean(ClusterMembership.class)
				.doesNotHaveBean(CacheProvider.class);
			assertThat(context.getBean(SocketBoxMessaging.class)).isInstanceOf(SingleNodeMessaging.class);
			SocketBoxCluster cluster = context.getBean(SocketBoxCluster.class);
			assertThat(cluster).isInstanceOf(SingleNodeCluster.class);
			assertThat(cluster.isEnabled()).isFalse();
			assertThat(context.getBean(SocketBoxWebSocketHandler.class).isRunning()).isTrue();
			assertThat(context.getBean(TestHandler.class).isClusterEnabled()).isFalse();
			assertThat(handlerPaths(context)).containsExactly("/ws");
		});
	}

	@Test
	void defaultProperties() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class).run((context) -> {
			SocketBoxProperties properties = context.getBean(SocketBoxProperties.class);
			assertThat(properties.getPath()).isEqualTo("/ws");
			assertThat(properties.getAllowedOriginPatterns()).isEmpty();
			assertThat(properties.isDebugMode()).isFalse();
			assertThat(properties.getSendTimeLimit()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.getSendBufferSizeLimit()).isEqualTo(DataSize.ofKilobytes(512));
			assertThat(properties.getMaxTextMessageSize()).isEqualTo(DataSize.ofKilobytes(64));
			assertThat(properties.getMaxConnections()).isNull();
			SocketBoxProperties.Cluster cluster = properties.getCluster();
			assertThat(cluster.isEnabled()).isFalse();
			assertThat(cluster.getSecretKey()).isNull();
			assertThat(cluster.getName()).isNull();
			assertThat(cluster.getHost()).isNull();
			assertThat(cluster.getNameResolver()).isEqualTo(SocketBoxProperties.NameResolver.AUTO);
			assertThat(cluster.getNameVariable()).isEqualTo("SOCKETBOX_NODE_NAME");
			assertThat(cluster.getPodIpVariable()).isEqualTo("POD_IP");
			assertThat(cluster.getPath()).isEqualTo("/socketbox/cluster");
			assertThat(cluster.getCachePrefix()).isEmpty();
			assertThat(cluster.getRefreshInterval()).isEqualTo(Duration.ofSeconds(2));
			assertThat(cluster.getMemberTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(cluster.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(cluster.getMaxPendingHandshakes()).isEqualTo(64);
			assertThat(cluster.getReplyTimeout()).isEqualTo(Duration.ofSeconds(5));
			assertThat(cluster.getMaxFrameSize()).isEqualTo(DataSize.ofMegabytes(1));
			assertThat(cluster.getSendTimeLimit()).isEqualTo(Duration.ofSeconds(10));
			assertThat(cluster.getSendBufferSizeLimit()).isEqualTo(DataSize.ofMegabytes(16));
			assertThat(properties.getCache().getType()).isNull();
			assertThat(properties.getCache().getFile().getDirectory())
				.isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "socketbox-cache"));
			assertThat(properties.getCache().getJdbc().getTableName()).isEqualTo("socketbox_cache");
			assertThat(properties.getCache().getJdbc().isCreateTables()).isTrue();
			assertThat(properties.getCache().getSpring().getCacheName()).isEqualTo("socketbox");
		});
	}

	@Test
	void registersHandlerAtConfiguredPath() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.path=/socket")
			.run((context) -> assertThat(handlerPaths(context)).containsExactly("/socket"));
	}

	@Test
	void clusterModeWithRedisUsesRedisCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterNode.class)
					.hasSingleBean(SocketBoxCluster.class)
					.hasSingleBean(SocketBoxMessaging.class)
					.hasSingleBean(CacheProvider.class)
					.hasSingleBean(ClusterOperations.class);
				assertThat(context.getBean(SocketBoxCluster.class)).isInstanceOf(ClusterMembership.class);
				assertThat(context.getBean(SocketBoxCluster.class).isEnabled()).isTrue();
				assertThat(context.getBean(SocketBoxMessaging.class)).isInstanceOf(ClusterMessaging.class);
				assertThat(context.getBean(CacheProvider.class)).isInstanceOf(RedisCacheProvider.class);
				assertThat(context.getBean(SocketBoxCluster.class).getNodeName())
					.isEqualTo("ws://127.0.0.1:8080/socketbox/cluster");
				assertThat(handlerPaths(context)).containsExactlyInAnyOrder("/ws", "/socketbox/cluster");
			});
	}

	@Test
	void clusterModeWithoutRedisUsesFileSystemCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterNode.class).hasSingleBean(CacheProvider.class);
				assertThat(context.getBean(SocketBoxCluster.class)).isInstanceOf(ClusterMembership.class);
				assertThat(context.getBean(CacheProvider.class)).isInstanceOfSatisfying(FileSystemCacheProvider.class,
						(cache) -> assertThat(cache.getDirectory()).isEqualTo(this.cacheDirectory));
			});
	}

	@Test
	void clusterModeWithRedisLibraryAbsentUsesFileSystemCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.springframework.data.redis"))
			.withPropertyValues(clusterProperties())
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RedisConnectionFactory.class);
				assertThat(context.getBean(CacheProvider.class)).isInstanceOf(FileSystemCacheProvider.class);
			});
	}

	@Test
	void clusterModeWithRedisTemplateAbsentUsesFileSystemCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader(StringRedisTemplate.class))
			.withPropertyValues(clusterProperties())
			.run((context) -> assertThat(context.getBean(CacheProvider.class))
				.isInstanceOf(FileSystemCacheProvider.class));
	}

	@Test
	void memoryCacheTypeUsesInMemoryCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=memory")
			.run((context) -> assertThat(context.getBean(CacheProvider.class))
				.isInstanceOf(InMemoryCacheProvider.class));
	}

	@Test
	void fileCacheTypeWinsOverRedis() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=file")
			.run((context) -> {
				assertThat(context).hasSingleBean(RedisConnectionFactory.class);
				assertThat(context.getBean(CacheProvider.class)).isInstanceOf(FileSystemCacheProvider.class);
			});
	}

	@Test
	void userCacheProviderWins() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
			.withBean("userCache", CacheProvider.class, InMemoryCacheProvider::new)
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=file")
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheProvider.class).hasBean("userCache");
				assertThat(context).hasSingleBean(ClusterNode.class);
			});
	}

	@Test
	void redisCacheTypeWithoutConnectionFactoryFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=redis")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("socketbox.cache.type")
					.hasMessageContaining("spring-boot-starter-data-redis")
					.hasMessageContaining("declare a CacheProvider bean");
			});
	}

	@Test
	void jdbcCacheTypeUsesJdbcCacheProviderOnDataSource() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=jdbc", "socketbox.cache.jdbc.table-name=app_socketbox")
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheProvider.class);
				JdbcCacheProvider cache = context.getBean(JdbcCacheProvider.class);
				assertThat(cache.getTableName()).isEqualTo("app_socketbox");
				cache.set("key", "value");
				assertThat(cache.get("key")).isEqualTo("value");
			});
	}

	@Test
	void dataSourceWithoutJdbcCacheTypeKeepsFileSystemCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.run((context) -> assertThat(context.getBean(CacheProvider.class))
				.isInstanceOf(FileSystemCacheProvider.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "resume-window=0s", "resume-window=-1s", "buffer-size=0", "buffer-bytes=0B",
			"history-size=0", "history-bytes=0B", "hello-timeout=0ms" })
	void sessionSettingsThatAreNotPositiveFailWithTheProperty(String setting) {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.session." + setting)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("socketbox.session." + setting.substring(0, setting.indexOf('=')))
				.hasMessageContaining("more than zero"));
	}

	@Test
	void jdbcCacheTypeWithoutDataSourceFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=jdbc")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("'jdbc' is not available")
				.hasMessageContaining("spring-boot-starter-jdbc"));
	}

	@Test
	void springCacheTypeUsesCacheOfCacheManager() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class, CachingConfiguration.class)
			.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("spring.cache.type=simple", "socketbox.cache.type=spring",
					"socketbox.cache.spring.cache-name=cluster")
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheProvider.class);
				assertThat(context.getBean(SpringCacheProvider.class).getCache())
					.isSameAs(context.getBean(CacheManager.class).getCache("cluster"));
			});
	}

	@Test
	void cacheManagerWithoutSpringCacheTypeKeepsFileSystemCacheProvider() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class, CachingConfiguration.class)
			.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("spring.cache.type=simple")
			.run((context) -> {
				assertThat(context).hasSingleBean(CacheManager.class);
				assertThat(context.getBean(CacheProvider.class)).isInstanceOf(FileSystemCacheProvider.class);
			});
	}

	@Test
	void springCacheTypeWithoutCacheManagerFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cache.type=spring")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("'spring' is not available")
				.hasMessageContaining("declare a CacheManager bean"));
	}

	@Test
	void springCacheTypeWithUnknownCacheNameFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class, CachingConfiguration.class)
			.withConfiguration(AutoConfigurations.of(CacheAutoConfiguration.class))
			.withPropertyValues(clusterProperties())
			.withPropertyValues("spring.cache.type=simple", "spring.cache.cache-names=books",
					"socketbox.cache.type=spring")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("socketbox.cache.spring.cache-name")
				.hasMessageContaining("no cache named 'socketbox'")
				.hasMessageContaining("[books]"));
	}

	@Test
	void clusterModeWithoutSecretFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.host=127.0.0.1",
					"socketbox.cache.type=memory")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("set socketbox.cluster.secret-key"));
	}

	@Test
	void maxPendingHandshakesBelowOneFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.host=127.0.0.1",
					"socketbox.cache.type=memory", "socketbox.cluster.secret-key=" + SECRET,
					"socketbox.cluster.max-pending-handshakes=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("set socketbox.cluster.max-pending-handshakes to 1 or more"));
	}

	@Test
	void maxConnectionsBelowOneFails() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.max-connections=0")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("Set socketbox.max-connections to 1 or more"));
	}

	@Test
	void clusterModeWithShortSecretFailsWithoutRevealingIt() {
		String secret = SECRET.substring(1);
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.host=127.0.0.1",
					"socketbox.cache.type=memory", "socketbox.cluster.secret-key=" + secret)
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context).getFailure()
					.rootCause()
					.isInstanceOf(InvalidConfigurationPropertyValueException.class)
					.hasMessageContaining("socketbox.cluster.secret-key")
					.hasMessageContaining("at least 32 characters");
				Throwable failure = context.getStartupFailure();
				while (failure != null) {
					assertThat(String.valueOf(failure.getMessage())).doesNotContain(secret);
					failure = failure.getCause();
				}
			});
	}

	@Test
	void clusterNameWithWrongSchemeFails() {
		assertInvalidClusterName("http://x");
	}

	@Test
	void clusterNameThatIsNotUrlFails() {
		assertInvalidClusterName("not a url");
	}

	private void assertInvalidClusterName(String name) {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cluster.name=" + name)
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("socketbox.cluster.name")
				.hasMessageContaining(name)
				.hasMessageContaining("ws:// or wss:// URL"));
	}

	@Test
	void clusterNameIsUsedWhenSet() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cluster.name= wss://node-1.example.com/socketbox/cluster ")
			.run((context) -> assertThat(context.getBean(SocketBoxCluster.class).getNodeName())
				.isEqualTo("wss://node-1.example.com/socketbox/cluster"));
	}

	@Test
	void userNodeNameResolverIsUsed() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withBean(NodeNameResolver.class, () -> (port, path) -> "ws://user-node:" + port + path)
			.withPropertyValues("server.port=9000")
			.run((context) -> {
				assertThat(context).hasSingleBean(NodeNameResolver.class);
				assertThat(context.getBean(SocketBoxCluster.class).getNodeName())
					.isEqualTo("ws://user-node:9000/socketbox/cluster");
			});
	}

	@Test
	void clusterHostTakesPrecedenceOverNameResolver() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues("socketbox.cluster.host=10.1.2.3", "socketbox.cluster.name-resolver=environment")
			.run((context) -> assertThat(context.getBean(SocketBoxCluster.class).getNodeName())
				.isEqualTo("ws://10.1.2.3:8080/socketbox/cluster"));
	}

	@Test
	void userLocalConnectionsIsUsed() {
		LocalConnections connections = new LocalConnections();
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withBean(LocalConnections.class, () -> connections)
			.run((context) -> assertThat(context).hasSingleBean(LocalConnections.class)
				.getBean(LocalConnections.class)
				.isSameAs(connections));
	}

	@Test
	void userSocketBoxWebSocketHandlerIsUsed() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class, UserWebSocketHandlerConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(SocketBoxWebSocketHandler.class)
				.hasBean("userWebSocketHandler"));
	}

	@Test
	void userSocketBoxClusterIsUsed() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withBean("userCluster", SocketBoxCluster.class, UserCluster::new)
			.run((context) -> assertThat(context).hasSingleBean(SocketBoxCluster.class).hasBean("userCluster"));
	}

	@Test
	void userSocketBoxMessagingIsUsed() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withBean("userMessaging", SocketBoxMessaging.class, UserMessaging::new)
			.run((context) -> assertThat(context).hasSingleBean(SocketBoxMessaging.class)
				.hasBean("userMessaging"));
	}

	@Test
	void userSocketBoxClusterIsUsedInClusterModeAndTheNodeStillJoins() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withBean("userCluster", SocketBoxCluster.class, UserCluster::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(SocketBoxCluster.class)
					.hasBean("userCluster")
					.doesNotHaveBean(ClusterMembership.class)
					.hasSingleBean(ClusterNode.class);
				assertThat(context.getBean(ClusterNode.class).isAutoStartup()).isTrue();
			});
	}

	@Test
	void userSocketBoxMessagingIsUsedInClusterMode() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withBean("userMessaging", SocketBoxMessaging.class, UserMessaging::new)
			.run((context) -> assertThat(context).hasSingleBean(SocketBoxMessaging.class)
				.hasBean("userMessaging")
				.doesNotHaveBean(ClusterMessaging.class));
	}

	@Test
	void userSocketBoxDirectoryIsUsedInClusterMode() {
		SocketBoxDirectory directory = new ConnectionDirectory("user", 1024, (event) -> {
		});
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withBean("userDirectory", SocketBoxDirectory.class, () -> directory)
			.run((context) -> assertThat(context).hasSingleBean(SocketBoxDirectory.class)
				.hasBean("userDirectory"));
	}

	@Test
	void userClusterNodeIsUsed() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withBean("userClusterNode", ClusterNode.class,
					() -> new ClusterNode(new LocalNode(() -> "ws://127.0.0.1:1/socketbox/cluster"),
							new LocalConnections(), String::valueOf, new InMemoryCacheProvider(),
							new StandardWebSocketClient(), (event) -> {
							}, ClusterConfiguration.settings(userClusterProperties()),
							new ClusterOperationInvoker(new ClusterOperationRegistry(), RPC_CODEC, Runnable::run),
							RPC_CODEC, ClusterNode.DEFAULT_MAX_PUBLISHED_ATTRIBUTES_SIZE, null))
			.run((context) -> assertThat(context).hasSingleBean(ClusterNode.class).hasBean("userClusterNode"));
	}

	@Test
	void userEndpointConfigurersReplaceOursByName() {
		WebSocketConfigurer nothing = (registry) -> {
		};
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withBean("socketBoxWebSocketConfigurer", WebSocketConfigurer.class, () -> nothing)
			.withBean("socketBoxClusterEndpointConfigurer", WebSocketConfigurer.class, () -> nothing)
			.run((context) -> assertThat(handlerPaths(context)).isEmpty());
	}

	@Test
	void autoStartupFalseLeavesTheNodeToTheApplication() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class)
			.withPropertyValues(clusterProperties())
			.withPropertyValues("socketbox.cluster.auto-startup=false")
			.run((context) -> assertThat(context.getBean("socketBoxClusterNode", SmartLifecycle.class).isAutoStartup())
				.isFalse());
	}

	@Test
	void endpointCustomizersAreApplied() {
		this.contextRunner.withUserConfiguration(HandlerConfiguration.class, CustomizerConfiguration.class)
			.withPropertyValues("socketbox.allowed-origin-patterns=https://*.example.com")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CustomizerConfiguration.class).calls).containsExactly("first", "second");
			});
	}

	@Test
	void autoConfigurationIsListedInImports() {
		List<String> candidates = new ArrayList<>();
		ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).forEach(candidates::add);
		assertThat(candidates).contains(SocketBoxAutoConfiguration.class.getName());
	}

	private String[] clusterProperties() {
		return new String[] { "socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + SECRET,
				"socketbox.cluster.host=127.0.0.1", "socketbox.cache.file.directory=" + this.cacheDirectory };
	}

	private static List<String> handlerPaths(AssertableWebApplicationContext context) {
		return context.getBeansOfType(AbstractUrlHandlerMapping.class)
			.values()
			.stream()
			.flatMap((mapping) -> mapping.getHandlerMap().keySet().stream())
			.toList();
	}

	static class TestHandler extends SocketBoxHandler {

	}

	@Configuration(proxyBeanMethods = false)
	static class HandlerConfiguration {

		@Bean
		TestHandler testHandler() {
			return new TestHandler();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableCaching
	static class CachingConfiguration {

	}

	@Configuration(proxyBeanMethods = false)
	static class UserWebSocketHandlerConfiguration {

		@Bean
		SocketBoxWebSocketHandler userWebSocketHandler(TestHandler handler, SocketBoxCluster cluster) {
			return new SocketBoxWebSocketHandler(handler, cluster, new LocalConnections(),
					new SocketBoxWebSocketHandler.Limits(1000, 1024, 1024, true), false);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		SocketBoxEndpointCustomizer secondCustomizer() {
			return (registration) -> this.calls.add("second");
		}

		@Bean
		@Order(1)
		SocketBoxEndpointCustomizer firstCustomizer() {
			return (registration) -> this.calls.add("first");
		}

	}

	private static final RpcCodec RPC_CODEC = new RpcCodec(JsonMapper.shared(), 8192);

	private static SocketBoxProperties userClusterProperties() {
		SocketBoxProperties properties = new SocketBoxProperties();
		properties.getCluster().setSecretKey(SECRET);
		return properties;
	}

	static class UserCluster implements SocketBoxCluster {

		@Override
		public String getNodeId() {
			return "user";
		}

		@Override
		public String getNodeName() {
			return "ws://user:8080/socketbox/cluster";
		}

		@Override
		public boolean isEnabled() {
			return false;
		}

		@Override
		public List<ClusterMember> getMembers() {
			return List.of();
		}

	}

	static class UserMessaging implements SocketBoxMessaging {

		@Override
		public void broadcast(Object payload) {
		}

		@Override
		public CompletableFuture<SendResult> send(String connectionId, Object payload) {
			return new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<SendResult> send(SocketBoxConnection connection, Object payload) {
			return new CompletableFuture<>();
		}

		@Override
		public CompletableFuture<Integer> sendToUser(String user, Object payload) {
			return CompletableFuture.completedFuture(0);
		}

		@Override
		public Collection<SocketBoxConnection> getLocalConnections() {
			return List.of();
		}

		@Override
		public SocketBoxStatistics getStatistics() {
			return new SocketBoxStatistics(0, 0, 0, 0);
		}

	}

}
