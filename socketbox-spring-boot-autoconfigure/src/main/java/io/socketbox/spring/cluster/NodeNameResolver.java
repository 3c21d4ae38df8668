package io.socketbox.spring.cluster;

import org.jspecify.annotations.Nullable;

/**
 * Strategy that computes this node's name at run time: the {@code ws://} or
 * {@code wss://} URL of its cluster endpoint, at which every other node can reach it.
 * Declare a bean of this type to replace the resolver that SocketBox selects.
 */
@FunctionalInterface
public interface NodeNameResolver {

	/**
	 * Resolve the name of this node.
	 * @param serverPort the port the embedded web server listens on
	 * @param clusterPath the path of the cluster endpoint, for example
	 * {@code /socketbox/cluster}
	 * @return the node name, or {@code null} when this resolver cannot tell it
	 * @throws NodeNameResolutionException when what it reads is unreachable or wrong;
	 * the application then fails to start with a hint of what to set
	 */
	@Nullable String resolve(int serverPort, String clusterPath);

}
