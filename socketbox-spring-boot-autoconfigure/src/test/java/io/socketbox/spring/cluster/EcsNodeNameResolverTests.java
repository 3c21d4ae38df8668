package io.socketbox.spring.cluster;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link EcsNodeNameResolver}, against a local stub of the container metadata
 * endpoint.
 */
class EcsNodeNameResolverTests {

	private static final String PATH = "/socketbox/cluster";

	private static final String METADATA_PATH = "/v4/3c8e6b7f-2f4a-4a4e-9d4b-0b1c2d3e4f50-2495160603";

	// Shape of a Fargate response, abridged from the AWS documentation
	private static final String AWSVPC_METADATA = """
			{
			  "DockerId": "cd189a933e5849daa93386466019ab50-2495160603",
			  "Name": "app",
			  "DockerName": "app",
			  "Image": "123456789012.dkr.ecr.us-west-2.amazonaws.com/app:latest",
			  "ImageID": "sha256:8b7f4d2b1c5e9a0d3f6e7c8b9a0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d",
			  "Labels": {
			    "com.amazonaws.ecs.cluster": "arn:aws:ecs:us-west-2:123456789012:cluster/default",
			    "com.amazonaws.ecs.container-name": "app",
			    "com.amazonaws.ecs.task-arn": "arn:aws:ecs:us-west-2:123456789012:task/default/cd189a933e5849daa93386466019ab50",
			    "com.amazonaws.ecs.task-definition-family": "app",
			    "com.amazonaws.ecs.task-definition-version": "2"
			  },
			  "DesiredStatus": "RUNNING",
			  "KnownStatus": "RUNNING",
			  "Limits": { "CPU": 2 },
			  "CreatedAt": "2020-10-02T00:15:07.620912337Z",
			  "StartedAt": "2020-10-02T00:15:08.062559351Z",
			  "Type": "NORMAL",
			  "LogDriver": "awslogs",
			  "LogOptions": { "awslogs-group": "/ecs/app", "awslogs-region": "us-west-2", "awslogs-stream": "ecs/app/cd189a93" },
			  "ContainerARN": "arn:aws:ecs:us-west-2:123456789012:container/default/cd189a933e5849daa93386466019ab50/1a2b3c4d",
			  "Networks": [
			    {
			      "NetworkMode": "awsvpc",
			      "IPv4Addresses": [ "10.0.2.106" ],
			      "AttachmentIndex": 0,
			      "MACAddress": "0a:b3:2a:3b:61:9f",
			      "IPv4SubnetCIDRBlock": "10.0.2.0/24",
			      "DomainNameServers": [ "10.0.0.2" ],
			      "DomainNameSearchList": [ "us-west-2.compute.internal" ],
			      "PrivateDNSName": "ip-10-0-2-106.us-west-2.compute.internal",
			      "SubnetGatewayIpv4Address": "10.0.2.1/24"
			    }
			  ],
			  "Snapshotter": "overlayfs"
			}
			""";

	private final MockEnvironment environment = new MockEnvironment();

	private HttpServer server;

	private volatile int status = 200;

	private volatile String body = AWSVPC_METADATA;

	@BeforeEach
	void startServer() throws IOException {
		this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		this.server.createContext(METADATA_PATH, (exchange) -> {
			byte[] bytes = this.body.getBytes(StandardCharsets.UTF_8);
			exchange.getResponseHeaders().set("Content-Type", "application/json");
			exchange.sendResponseHeaders(this.status, bytes.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(bytes);
			}
		});
		this.server.start();
	}

	@AfterEach
	void stopServer() {
		this.server.stop(0);
	}

	@Test
	void whenVariableUnsetReturnsNull() {
		assertThat(resolver().resolve(8080, PATH)).isNull();
	}

	@Test
	void returnsFirstIpv4Address() {
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", metadataUri());
		assertThat(resolver().resolve(8080, PATH)).isEqualTo("ws://10.0.2.106:8080/socketbox/cluster");
	}

	@Test
	void skipsNetworkWithoutAddress() {
		this.body = """
				{"Networks": [
				  {"NetworkMode": "awsvpc", "IPv4Addresses": []},
				  {"NetworkMode": "awsvpc", "IPv4Addresses": ["10.0.3.8", "10.0.3.9"]}
				]}
				""";
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", metadataUri());
		assertThat(resolver().resolve(9000, PATH)).isEqualTo("ws://10.0.3.8:9000/socketbox/cluster");
	}

	@Test
	void whenEndpointFailsThrows() {
		this.status = 500;
		this.body = "{\"error\":\"internal\"}";
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", metadataUri());
		assertThatIllegalStateException().isThrownBy(() -> resolver().resolve(8080, PATH))
			.withMessageContaining("ECS container metadata")
			.withMessageContaining(metadataUri())
			.withMessageContaining("500");
	}

	@Test
	void whenEndpointUnreachableThrows() {
		String uri = metadataUri();
		this.server.stop(0);
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", uri);
		assertThatIllegalStateException().isThrownBy(() -> resolver().resolve(8080, PATH))
			.withMessageContaining("ECS container metadata")
			.withMessageContaining(uri);
	}

	@Test
	void whenNoAddressThrows() {
		this.body = """
				{"DockerId": "cd189a933e5849daa93386466019ab50-2495160603",
				 "Networks": [{"NetworkMode": "awsvpc", "IPv4Addresses": []}]}
				""";
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", metadataUri());
		assertThatIllegalStateException().isThrownBy(() -> resolver().resolve(8080, PATH))
			.withMessageContaining("no IPv4 address")
			.withMessageContaining(metadataUri());
	}

	@Test
	void whenNoNetworksThrows() {
		this.body = "{\"DockerId\": \"cd189a933e5849daa93386466019ab50-2495160603\"}";
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", metadataUri());
		assertThatIllegalStateException().isThrownBy(() -> resolver().resolve(8080, PATH))
			.withMessageContaining("no IPv4 address");
	}

	@Test
	void whenBodyIsNotJsonThrows() {
		this.body = "not json";
		this.environment.setProperty("ECS_CONTAINER_METADATA_URI_V4", metadataUri());
		assertThatIllegalStateException().isThrownBy(() -> resolver().resolve(8080, PATH))
			.withMessageContaining("ECS container metadata")
			.withMessageContaining(metadataUri());
	}

	private EcsNodeNameResolver resolver() {
		return new EcsNodeNameResolver(this.environment, RestClient.builder());
	}

	private String metadataUri() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + METADATA_PATH;
	}

}
