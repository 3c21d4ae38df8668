package io.socketbox.spring.cluster;

import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link EnvironmentVariableNodeNameResolver}.
 */
class EnvironmentVariableNodeNameResolverTests {

	private static final String PATH = "/socketbox/cluster";

	private final MockEnvironment environment = new MockEnvironment();

	private final EnvironmentVariableNodeNameResolver resolver = new EnvironmentVariableNodeNameResolver(
			this.environment, "SOCKETBOX_NODE_NAME");

	@Test
	void whenUnsetReturnsNull() {
		assertThat(this.resolver.resolve(8080, PATH)).isNull();
	}

	@Test
	void whenBlankReturnsNull() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", "  ");
		assertThat(this.resolver.resolve(8080, PATH)).isNull();
	}

	@Test
	void returnsWsUrlAsIs() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", "ws://node-1.internal:9000/custom/path");
		assertThat(this.resolver.resolve(8080, PATH)).isEqualTo("ws://node-1.internal:9000/custom/path");
	}

	@Test
	void returnsWssUrlWithoutSurroundingWhitespace() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", " wss://[fd00::7]:8443/socketbox/cluster\n");
		assertThat(this.resolver.resolve(8080, PATH)).isEqualTo("wss://[fd00::7]:8443/socketbox/cluster");
	}

	@Test
	void whenSchemeIsNotWebSocketThrows() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", "http://10.0.0.7:8080/socketbox/cluster");
		assertThatIllegalStateException().isThrownBy(() -> this.resolver.resolve(8080, PATH))
			.withMessageContaining("SOCKETBOX_NODE_NAME")
			.withMessageContaining("'http://10.0.0.7:8080/socketbox/cluster'");
	}

	@Test
	void whenHostIsMissingThrows() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", "ws:///socketbox/cluster");
		assertThatIllegalStateException().isThrownBy(() -> this.resolver.resolve(8080, PATH))
			.withMessageContaining("SOCKETBOX_NODE_NAME")
			.withMessageContaining("'ws:///socketbox/cluster'");
	}

	@Test
	void whenNotAUriThrows() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", "10.0.0.7:8080");
		assertThatIllegalStateException().isThrownBy(() -> this.resolver.resolve(8080, PATH))
			.withMessageContaining("SOCKETBOX_NODE_NAME")
			.withMessageContaining("'10.0.0.7:8080'");
	}

	@Test
	void whenMalformedThrows() {
		this.environment.setProperty("SOCKETBOX_NODE_NAME", "ws://bad host/x");
		assertThatIllegalStateException().isThrownBy(() -> this.resolver.resolve(8080, PATH))
			.withMessageContaining("'ws://bad host/x'");
	}

}
