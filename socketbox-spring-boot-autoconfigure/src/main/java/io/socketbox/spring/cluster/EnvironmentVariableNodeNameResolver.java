package io.socketbox.spring.cluster;

import java.net.URI;
import java.net.URISyntaxException;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * {@link NodeNameResolver} that reads the whole node name, a {@code ws://} or
 * {@code wss://} URL, from an environment variable or any other property of the
 * {@link Environment}.
 */
public final class EnvironmentVariableNodeNameResolver implements NodeNameResolver {

	private final Environment environment;

	private final String variableName;

	/**
	 * Create a resolver that reads the given variable.
	 * @param environment the environment to read from
	 * @param variableName the name of the variable that holds the node name
	 */
	public EnvironmentVariableNodeNameResolver(Environment environment, String variableName) {
		Assert.notNull(environment, "'environment' must not be null");
		Assert.hasText(variableName, "'variableName' must not be empty");
		this.environment = environment;
		this.variableName = variableName;
	}

	/**
	 * Return the value of the variable, or {@code null} when it is unset or blank.
	 * @throws NodeNameResolutionException when the value is not a {@code ws://} or
	 * {@code wss://} URL with a host
	 */
	@Override
	public @Nullable String resolve(int serverPort, String clusterPath) {
		String value = this.environment.getProperty(this.variableName);
		if (!StringUtils.hasText(value)) {
			return null;
		}
		String name = value.strip();
		if (!isWebSocketUrlWithHost(name)) {
			throw new NodeNameResolutionException("Variable '" + this.variableName + "' must be a ws:// or wss:// URL with a host, "
					+ "for example ws://10.0.0.7:8080" + clusterPath + ", but was '" + value + "'");
		}
		return name;
	}

	private static boolean isWebSocketUrlWithHost(String value) {
		try {
			URI uri = new URI(value);
			String scheme = uri.getScheme();
			return ("ws".equalsIgnoreCase(scheme) || "wss".equalsIgnoreCase(scheme)) && StringUtils.hasText(uri.getHost());
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	@Override
	public String toString() {
		return "the environment variable " + this.variableName;
	}

}
