package io.socketbox.spring.cluster;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link KubernetesNodeNameResolver}.
 */
class KubernetesNodeNameResolverTests {

	private static final String PATH = "/socketbox/cluster";

	private final MockEnvironment environment = new MockEnvironment();

	@Test
	void whenUnsetReturnsNull() {
		assertThat(new KubernetesNodeNameResolver(this.environment).resolve(8080, PATH)).isNull();
	}

	@Test
	void whenBlankReturnsNull() {
		this.environment.setProperty("POD_IP", "");
		assertThat(new KubernetesNodeNameResolver(this.environment).resolve(8080, PATH)).isNull();
	}

	@Test
	void readsPodIpByDefault() {
		this.environment.setProperty("POD_IP", "10.244.1.17");
		assertThat(new KubernetesNodeNameResolver(this.environment).resolve(8080, PATH))
			.isEqualTo("ws://10.244.1.17:8080/socketbox/cluster");
	}

	@Test
	void readsGivenVariable() {
		this.environment.setProperty("POD_IP", "10.244.1.17");
		this.environment.setProperty("MY_POD_IP", "10.244.2.5");
		assertThat(new KubernetesNodeNameResolver(this.environment, "MY_POD_IP").resolve(9090, "/ws/cluster"))
			.isEqualTo("ws://10.244.2.5:9090/ws/cluster");
	}

	@Test
	void bracketsIpv6Address() {
		this.environment.setProperty("POD_IP", "fd00:10:244::1f");
		assertThat(new KubernetesNodeNameResolver(this.environment).resolve(8080, PATH))
			.isEqualTo("ws://[fd00:10:244::1f]:8080/socketbox/cluster");
	}

}
