package io.socketbox.spring.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.util.Assert;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * {@link NodeNameResolver} for Amazon ECS that builds the node name from the first IPv4
 * address in the container metadata endpoint version 4, whose URL the ECS agent puts in
 * the {@value #METADATA_URI_VARIABLE} variable.
 * <p>
 * Meant for the {@code awsvpc} network mode (always the case on Fargate), in which each
 * task has its own address and the container port is reachable as is. In
 * {@code bridge} mode the address is the one of the Docker bridge, which other hosts
 * cannot reach: use another resolver there.
 */
public final class EcsNodeNameResolver implements NodeNameResolver {

	/**
	 * The variable that holds the URL of the container metadata endpoint.
	 */
	public static final String METADATA_URI_VARIABLE = "ECS_CONTAINER_METADATA_URI_V4";

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private static final Log logger = LogFactory.getLog(EcsNodeNameResolver.class);

	private final Environment environment;

	private final RestClient restClient;

	/**
	 * Create a resolver that calls the metadata endpoint with a client built from the
	 * given builder, with connect and read timeouts of two seconds.
	 * @param environment the environment to read {@value #METADATA_URI_VARIABLE} from
	 * @param restClientBuilder the builder of the client; it is cloned, not changed
	 */
	public EcsNodeNameResolver(Environment environment, RestClient.Builder restClientBuilder) {
		Assert.notNull(environment, "'environment' must not be null");
		Assert.notNull(restClientBuilder, "'restClientBuilder' must not be null");
		SimpleClientHttpRequestFactory requestFactory = new SimpleClientHttpRequestFactory();
		requestFactory.setConnectTimeout(TIMEOUT);
		requestFactory.setReadTimeout(TIMEOUT);
		this.environment = environment;
		this.restClient = restClientBuilder.clone().requestFactory(requestFactory).build();
	}

	/**
	 * Return {@code ws://<first IPv4 address>:<port><path>}, or {@code null} when
	 * {@value #METADATA_URI_VARIABLE} is unset or blank.
	 * @throws NodeNameResolutionException when the metadata endpoint cannot be read or lists
	 * no IPv4 address
	 */
	@Override
	public @Nullable String resolve(int serverPort, String clusterPath) {
		String metadataUri = this.environment.getProperty(METADATA_URI_VARIABLE);
		if (!StringUtils.hasText(metadataUri)) {
			return null;
		}
		List<Network> networks = fetch(metadataUri.strip()).networks();
		for (Network network : (networks != null) ? networks : List.<Network>of()) {
			List<String> addresses = network.ipv4Addresses();
			if (addresses != null && !addresses.isEmpty() && StringUtils.hasText(addresses.get(0))) {
				if ("bridge".equals(network.networkMode())) {
					logger.warn("ECS task uses the bridge network mode: other hosts may not reach "
							+ addresses.get(0) + "; use awsvpc or another node name resolver");
				}
				return NodeNames.ws(addresses.get(0).strip(), serverPort, clusterPath);
			}
		}
		throw new NodeNameResolutionException("The ECS container metadata at " + metadataUri
				+ " lists no IPv4 address in 'Networks', so this node has no name at which other nodes can reach it");
	}

	private ContainerMetadata fetch(String metadataUri) {
		try {
			ContainerMetadata metadata = this.restClient.get()
				.uri(URI.create(metadataUri))
				.accept(MediaType.APPLICATION_JSON)
				.retrieve()
				.body(ContainerMetadata.class);
			if (metadata == null) {
				throw new NodeNameResolutionException("The ECS container metadata endpoint at " + metadataUri
						+ " returned an empty body, so this node has no name at which other nodes can reach it");
			}
			return metadata;
		}
		catch (RestClientException | IllegalArgumentException ex) {
			throw new NodeNameResolutionException("Could not read the ECS container metadata from " + METADATA_URI_VARIABLE
					+ "=" + metadataUri + " (" + ex.getMessage()
					+ "), so this node has no name at which other nodes can reach it", ex);
		}
	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record ContainerMetadata(@JsonProperty("Networks") @Nullable List<Network> networks) {

	}

	@JsonIgnoreProperties(ignoreUnknown = true)
	record Network(@JsonProperty("NetworkMode") @Nullable String networkMode,
			@JsonProperty("IPv4Addresses") @Nullable List<String> ipv4Addresses) {

	}

	@Override
	public String toString() {
		return "the ECS container metadata (" + METADATA_URI_VARIABLE + ")";
	}

}
