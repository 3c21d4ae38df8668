package io.socketbox.spring.cluster;

import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;

/**
 * {@link NodeNameResolver} for Kubernetes that builds the node name from the pod IP,
 * read from an environment variable that the downward API sets:
 * <pre class="code">
 * env:
 *   - name: POD_IP
 *     valueFrom:
 *       fieldRef:
 *         fieldPath: status.podIP
 * </pre>
 */
public final class KubernetesNodeNameResolver implements NodeNameResolver {

	/**
	 * The variable read when none is given.
	 */
	public static final String DEFAULT_POD_IP_VARIABLE = "POD_IP";

	private final Environment environment;

	private final String podIpVariable;

	/**
	 * Create a resolver that reads the {@value #DEFAULT_POD_IP_VARIABLE} variable.
	 * @param environment the environment to read from
	 */
	public KubernetesNodeNameResolver(Environment environment) {
		this(environment, DEFAULT_POD_IP_VARIABLE);
	}

	/**
	 * Create a resolver that reads the given variable.
	 * @param environment the environment to read from
	 * @param podIpVariable the name of the variable that holds the pod IP
	 */
	public KubernetesNodeNameResolver(Environment environment, String podIpVariable) {
		Assert.notNull(environment, "'environment' must not be null");
		Assert.hasText(podIpVariable, "'podIpVariable' must not be empty");
		this.environment = environment;
		this.podIpVariable = podIpVariable;
	}

	/**
	 * Return {@code ws://<pod ip>:<port><path>}, with an IPv6 address in brackets, or
	 * {@code null} when the variable is unset or blank.
	 */
	@Override
	public @Nullable String resolve(int serverPort, String clusterPath) {
		String podIp = this.environment.getProperty(this.podIpVariable);
		if (!StringUtils.hasText(podIp)) {
			return null;
		}
		return NodeNames.ws(podIp.strip(), serverPort, clusterPath);
	}

	@Override
	public String toString() {
		return "the pod IP (" + this.podIpVariable + ")";
	}

}
