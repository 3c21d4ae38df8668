package io.socketbox.spring.autoconfigure;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.cluster.LocalAddressNodeNameResolver;
import io.socketbox.spring.cluster.NodeNameResolver;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the scheme of the node name that {@link NodeNameSupplier} gives.
 */
class NodeNameSupplierTests {

	private final NodeNameResolver resolver = new LocalAddressNodeNameResolver("127.0.0.1");

	@Test
	void resolvedNameIsWsWithoutServerSsl() {
		assertThat(name(new MockEnvironment())).isEqualTo("ws://127.0.0.1:8443/socketbox/cluster");
	}

	@Test
	void resolvedNameIsWssWhenTheServerServesTls() {
		assertThat(name(new MockEnvironment().withProperty("server.ssl.bundle", "web")))
			.isEqualTo("wss://127.0.0.1:8443/socketbox/cluster");
		assertThat(name(new MockEnvironment().withProperty("server.ssl.key-store", "classpath:keystore.p12")))
			.isEqualTo("wss://127.0.0.1:8443/socketbox/cluster");
		assertThat(name(new MockEnvironment().withProperty("server.ssl.certificate", "classpath:server.crt")))
			.isEqualTo("wss://127.0.0.1:8443/socketbox/cluster");
	}

	@Test
	void resolvedNameIsWsWhenServerSslIsDisabled() {
		assertThat(name(new MockEnvironment().withProperty("server.ssl.bundle", "web")
			.withProperty("server.ssl.enabled", "false"))).isEqualTo("ws://127.0.0.1:8443/socketbox/cluster");
	}

	@Test
	void explicitNameIsKeptAsItIs() {
		SocketBoxProperties.Cluster cluster = new SocketBoxProperties.Cluster();
		cluster.setName("ws://proxy.example:80/socketbox/cluster");
		MockEnvironment environment = new MockEnvironment().withProperty("server.ssl.bundle", "web");
		assertThat(new NodeNameSupplier(cluster, environment, this.resolver).get())
			.isEqualTo("ws://proxy.example:80/socketbox/cluster");
	}

	private String name(MockEnvironment environment) {
		environment.setProperty("local.server.port", "8443");
		return new NodeNameSupplier(new SocketBoxProperties.Cluster(), environment, this.resolver).get();
	}

}
