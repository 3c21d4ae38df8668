package io.socketbox.spring.autoconfigure;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.cluster.NodeNameResolver;

/**
 * The {@code auto} resolver: the first of several resolvers that can tell the node name,
 * remembered so that the start-up report can say which one it was.
 */
final class FirstResolvedNodeNameResolver implements NodeNameResolver {

	private final List<NodeNameResolver> resolvers;

	private volatile @Nullable NodeNameResolver chosen;

	FirstResolvedNodeNameResolver(List<NodeNameResolver> resolvers) {
		this.resolvers = List.copyOf(resolvers);
	}

	@Override
	public @Nullable String resolve(int serverPort, String clusterPath) {
		for (NodeNameResolver resolver : this.resolvers) {
			String name = resolver.resolve(serverPort, clusterPath);
			if (name != null) {
				this.chosen = resolver;
				return name;
			}
		}
		return null;
	}

	@Override
	public String toString() {
		NodeNameResolver resolver = this.chosen;
		return (resolver != null) ? resolver + " (auto)" : "auto";
	}

}
