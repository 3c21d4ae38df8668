package io.socketbox.spring.autoconfigure;

import java.util.List;

import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.ClusterOperation;
import io.socketbox.spring.ClusterOperations;
import io.socketbox.spring.SocketBoxCluster;
import io.socketbox.spring.internal.LocalNode;
import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.internal.cluster.ClusterOperationInvoker;
import io.socketbox.spring.internal.cluster.ClusterOperationRegistry;
import io.socketbox.spring.internal.cluster.ClusterOperationThreads;
import io.socketbox.spring.internal.cluster.DefaultClusterOperations;
import io.socketbox.spring.internal.cluster.RpcCodec;
import io.socketbox.spring.internal.cluster.RpcTransport;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Configuration of cluster operations: on every node, the registry of
 * {@link ClusterOperation} methods and the invoker that runs them for callers on any
 * node; on a node that runs alone, {@link ClusterOperations} that call this node only;
 * in cluster mode, {@link ClusterOperations} that reach the other members over the peer
 * links, whose {@link ClusterNode} runs the calls it receives with this node's invoker.
 */
@Configuration(proxyBeanMethods = false)
class ClusterOperationsConfiguration {

	/**
	 * Operations that may run at once on a node; more wait in line.
	 */
	private static final int POOL_SIZE = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());

	@Bean
	@ConditionalOnMissingBean
	ClusterOperationRegistry socketBoxClusterOperationRegistry() {
		return new ClusterOperationRegistry();
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterOperationThreads socketBoxClusterOperationThreads() {
		return new ClusterOperationThreads(POOL_SIZE);
	}

	@Bean
	@ConditionalOnMissingBean
	RpcCodec socketBoxRpcCodec(SocketBoxProperties properties, ObjectProvider<JsonMapper> jsonMapper) {
		// The limit of a peer frame even on a node alone, so that an operation that works
		// here does not fail only once the application runs as a cluster
		return new RpcCodec(jsonMapper.getIfAvailable(JsonMapper::shared),
				(int) properties.getCluster().getMaxFrameSize().toBytes());
	}

	@Bean
	@ConditionalOnMissingBean
	ClusterOperationInvoker socketBoxClusterOperationInvoker(ClusterOperationRegistry registry, RpcCodec codec,
			ClusterOperationThreads threads) {
		return new ClusterOperationInvoker(registry, codec, threads.getExecutor());
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnProperty(name = "socketbox.cluster.enabled", havingValue = "false", matchIfMissing = true)
	static class SingleNodeOperationsConfiguration {

		@Bean
		@ConditionalOnMissingBean(ClusterOperations.class)
		DefaultClusterOperations socketBoxClusterOperations(LocalNode localNode, ClusterOperationInvoker invoker,
				RpcCodec codec, ClusterOperationThreads threads, SocketBoxProperties properties) {
			return new DefaultClusterOperations(localNode.getId(), List::of, RpcTransport.NONE, invoker, codec,
					threads.getCompleter(), threads.getScheduler(), properties.getCluster().getRpcTimeout());
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("socketbox.cluster.enabled")
	static class ClusterNodeOperationsConfiguration {

		/**
		 * Every member this node knows is called, linked or not, so that callers learn
		 * of a member they cannot reach instead of missing it: one never linked, or
		 * silent for the heartbeat timeout, is unreachable at once; one whose link just
		 * broke gets the call when the link is back, as a direct send does.
		 */
		@Bean
		@ConditionalOnMissingBean(ClusterOperations.class)
		DefaultClusterOperations socketBoxClusterOperations(LocalNode localNode, ClusterNode node,
				SocketBoxCluster cluster, ClusterOperationInvoker invoker, RpcCodec codec,
				ClusterOperationThreads threads, SocketBoxProperties properties) {
			return new DefaultClusterOperations(localNode.getId(), () -> memberIds(cluster), node.getRpcTransport(),
					invoker, codec, threads.getCompleter(), threads.getScheduler(),
					properties.getCluster().getRpcTimeout());
		}

		private static List<String> memberIds(SocketBoxCluster cluster) {
			return cluster.getMembers().stream().map(ClusterMember::id).toList();
		}

	}

}
