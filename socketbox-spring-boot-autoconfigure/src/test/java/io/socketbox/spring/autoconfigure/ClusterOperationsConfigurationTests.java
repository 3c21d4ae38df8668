package io.socketbox.spring.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.ClusterOperations;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.ClusterOperationInvoker;
import io.socketbox.spring.internal.cluster.ClusterOperationRegistry;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link ClusterOperationsConfiguration}.
 */
class ClusterOperationsConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withUserConfiguration(NodeConfiguration.class, ClusterOperationsConfiguration.class)
		.withBean(Handlers.class);

	@Test
	void aNodeAloneCallsItsOwnOperations() {
		this.contextRunner.run((context) -> {
			String nodeId = context.getBean(LocalNode.class).getId();
			ClusterOperations operations = context.getBean(ClusterOperations.class);
			Map<String, ClusterCallResult<String>> results = operations.callAll("hello", String.class, "Ada")
				.get(10, TimeUnit.SECONDS);
			assertThat(results).containsExactly(Map.entry(nodeId, ClusterCallResult.ok(nodeId, "Hello, Ada")));
		});
	}

	@Test
	void inClusterModeTheOperationsAreLeftToThePeerLinks() {
		this.contextRunner.withPropertyValues("socketbox.cluster.enabled=true").run((context) -> {
			assertThat(context).doesNotHaveBean(ClusterOperations.class);
			assertThat(context).hasSingleBean(ClusterOperationInvoker.class);
			assertThat(context.getBean(ClusterOperationRegistry.class).getNames()).containsExactly("hello");
		});
	}

	@Test
	void backsOffFromAUsersClusterOperations() {
		ClusterOperations own = mock(ClusterOperations.class);
		this.contextRunner.withBean(ClusterOperations.class, () -> own)
			.run((context) -> assertThat(context.getBean(ClusterOperations.class)).isSameAs(own));
	}

	@Test
	void rpcTimeoutDefaultsToFifteenSeconds() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(SocketBoxProperties.class).getCluster().getRpcTimeout())
			.isEqualTo(Duration.ofSeconds(15)));
		this.contextRunner.withPropertyValues("socketbox.cluster.rpc-timeout=2s")
			.run((context) -> assertThat(context.getBean(SocketBoxProperties.class).getCluster().getRpcTimeout())
				.isEqualTo(Duration.ofSeconds(2)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(SocketBoxProperties.class)
	static class NodeConfiguration {

		@Bean
		LocalNode localNode() {
			return new LocalNode(() -> "ws://localhost:8080/socketbox/cluster");
		}

	}

	static class Handlers {

		@ClusterOperation("hello")
		String hello(String name) {
			return "Hello, " + name;
		}

	}

}
