package io.socketbox.spring.autoconfigure;

import java.net.URI;
import java.util.function.Supplier;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.core.env.Environment;

import io.socketbox.spring.cluster.NodeNameResolutionException;
import io.socketbox.spring.cluster.NodeNameResolver;

/**
 * Supplies the node name once the web server knows its port: the
 * {@code socketbox.cluster.name} property when set, else what the
 * {@link NodeNameResolver} computes, with {@code wss://} when the web server serves
 * TLS.
 */
final class NodeNameSupplier implements Supplier<String> {

	private static final String NAME_PROPERTY = "socketbox.cluster.name";

	private final SocketBoxProperties.Cluster cluster;

	private final Environment environment;

	private final NodeNameResolver resolver;

	NodeNameSupplier(SocketBoxProperties.Cluster cluster, Environment environment, NodeNameResolver resolver) {
		this.cluster = cluster;
		this.environment = environment;
		this.resolver = resolver;
	}

	@Override
	public String get() {
		String name = this.cluster.getName();
		if (name != null && !name.isBlank()) {
			return validate(name.trim());
		}
		String resolved = this.resolver.resolve(serverPort(), this.cluster.getPath());
		if (resolved == null) {
			throw new NodeNameResolutionException("Could not resolve the node name: set " + NAME_PROPERTY
					+ " or socketbox.cluster.host, or declare a NodeNameResolver bean");
		}
		return serverSslEnabled() ? secure(resolved) : resolved;
	}

	/**
	 * Whether the web server serves TLS ({@code server.ssl}), so that the cluster
	 * endpoint is reached with {@code wss://}.
	 */
	private boolean serverSslEnabled() {
		if (!this.environment.getProperty("server.ssl.enabled", Boolean.class, true)) {
			return false;
		}
		return this.environment.containsProperty("server.ssl.bundle")
				|| this.environment.containsProperty("server.ssl.key-store")
				|| this.environment.containsProperty("server.ssl.certificate");
	}

	private static String secure(String name) {
		// A server that serves TLS cannot be dialed with ws://
		return name.startsWith("ws://") ? "wss://" + name.substring("ws://".length()) : name;
	}

	private int serverPort() {
		Integer port = this.environment.getProperty("local.server.port", Integer.class);
		return (port != null) ? port : this.environment.getProperty("server.port", Integer.class, 8080);
	}

	static String validate(String name) {
		try {
			URI uri = new URI(name);
			if (("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme())) && uri.getHost() != null) {
				return name;
			}
		}
		catch (Exception ex) {
			// Reported below
		}
		throw new InvalidConfigurationPropertyValueException(NAME_PROPERTY, name,
				"The node name must be a ws:// or wss:// URL at which other nodes reach this one's cluster endpoint");
	}

}
