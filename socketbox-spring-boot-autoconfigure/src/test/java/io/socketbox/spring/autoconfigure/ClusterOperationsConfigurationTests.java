package io.socketbox.spring.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterCallResult;
import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterMember.LinkState;
import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.ClusterOperations;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.cluster.ClusterOperationInvoker;
import io.socketbox.spring.internal.cluster.ClusterOperationRegistry;
import io.socketbox.spring.internal.cluster.RpcTransport;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

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
	void inClusterModeTheOperationsUseThePeerLinksOfTheClusterNode() {
		ClusterNode node = mock(ClusterNode.class);
		given(node.getRpcTransport()).willReturn(RpcTransport.NONE);
		SocketBoxCluster cluster = mock(SocketBoxCluster.class);
		given(cluster.getMembers()).willReturn(List.of(new ClusterMember("other", "ws://other", LinkState.DOWN)));
		this.contextRunner.withPropertyValues("socketbox.cluster.enabled=true")
			.withBean(ClusterNode.class, () -> node)
			.withBean(SocketBoxCluster.class, () -> cluster)
			.run((context) -> {
				assertThat(context).hasSingleBean(ClusterOperations.class).hasSingleBean(ClusterOperationInvoker.class);
				assertThat(context.getBean(ClusterOperationRegistry.class).getNames()).containsExactly("hello");
				String nodeId = context.getBean(LocalNode.class).getId();
				Map<String, ClusterCallResult<String>> results = context.getBean(ClusterOperations.class)
					.callAll("hello", String.class, "Ada")
					.get(10, TimeUnit.SECONDS);
				assertThat(results).containsOnlyKeys(nodeId, "other");
				assertThat(results.get(nodeId).value()).isEqualTo("Hello, Ada");
				assertThat(results.get("other").status()).isEqualTo(ClusterCallResult.Status.UNREACHABLE);
				verify(node).getRpcTransport();
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
