package io.socketbox.spring.autoconfigure;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.socketbox.spring.cache.CacheProvider;
import io.socketbox.spring.cache.FileSystemCacheProvider;
import io.socketbox.spring.cluster.NodeNameResolver;
import io.socketbox.spring.internal.LocalNode;

import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says once, when the application has started, what a cluster node was configured
 * with: its name and where the name came from, and the shared cache. Warns when the
 * file cache was chosen automatically for a node whose name is not a loopback address,
 * since nodes on other machines would never find it.
 */
final class ClusterStartupReport implements ApplicationListener<ApplicationStartedEvent> {

	private static final Log logger = LogFactory.getLog(ClusterStartupReport.class);

	private final SocketBoxProperties properties;

	private final LocalNode localNode;

	private final NodeNameResolver resolver;

	private final CacheProvider cache;

	ClusterStartupReport(SocketBoxProperties properties, LocalNode localNode, NodeNameResolver resolver,
			CacheProvider cache) {
		this.properties = properties;
		this.localNode = localNode;
		this.resolver = resolver;
		this.cache = cache;
	}

	@Override
	public void onApplicationEvent(ApplicationStartedEvent event) {
		String name;
		try {
			name = this.localNode.getName();
		}
		catch (RuntimeException ex) {
			// Not resolvable yet: the cluster's start reports it
			return;
		}
		boolean detected = this.properties.getCache().getType() == null;
		String prefix = this.properties.getCluster().getCachePrefix();
		logger.info("SocketBox node " + name + " (" + this.localNode.getId() + "), named by " + nameSource()
				+ ", registers in " + this.cache.getClass().getSimpleName()
				+ (detected ? " (detected)" : " (socketbox.cache.type)")
				+ (prefix.isEmpty() ? "" : " under the prefix '" + prefix + "'"));
		if (detected && this.cache instanceof FileSystemCacheProvider && !isLoopback(name)) {
			logger.warn("The file cache was chosen because no Redis connection factory is configured, but the node "
					+ "name " + name + " is not a loopback address: nodes on other machines will never find this "
					+ "one. For a cluster across machines add spring-boot-starter-data-redis and set "
					+ "spring.data.redis.*, or set socketbox.cache.type");
		}
	}

	private String nameSource() {
		String configured = this.properties.getCluster().getName();
		if (configured != null && !configured.isBlank()) {
			return "socketbox.cluster.name";
		}
		if (this.resolver.getClass().getPackageName().startsWith("io.socketbox.spring")) {
			return String.valueOf(this.resolver);
		}
		return "the NodeNameResolver bean " + this.resolver.getClass().getName();
	}

	static boolean isLoopback(String nodeName) {
		try {
			String host = URI.create(nodeName).getHost();
			return host != null && InetAddress.getByName(host).isLoopbackAddress();
		}
		catch (IllegalArgumentException | UnknownHostException ex) {
			return false;
		}
	}

}
