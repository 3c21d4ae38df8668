package io.socketbox.spring.autoconfigure;

import java.nio.file.Path;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.socketbox.spring.internal.cluster.ClusterNode;
import io.socketbox.spring.testsupport.TestCertificates;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.client.WebSocketClient;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the security of the links between nodes in the auto-configuration: the peer
 * client bean with its SSL bundle and customizers, and the previous secrets.
 */
class PeerSecurityConfigurationTests {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private static final String PREVIOUS = "fedcba9876543210fedcba9876543210";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class, JacksonAutoConfiguration.class,
				SslAutoConfiguration.class))
		.withUserConfiguration(SocketBoxAutoConfigurationTests.HandlerConfiguration.class)
		.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + SECRET,
				"socketbox.cluster.host=127.0.0.1", "socketbox.cache.type=memory",
				"socketbox.cluster.auto-startup=false");

	@Test
	void peerClientIsABeanThatTheNodeUsesWithoutCompetingForInjection() {
		this.contextRunner.withUserConfiguration(ApplicationClientConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PeerClientConfiguration.BEAN_NAME)).isInstanceOf(StandardWebSocketClient.class);
			assertThat(context.getBeanFactory().getDependenciesForBean("socketBoxClusterNode"))
				.contains(PeerClientConfiguration.BEAN_NAME);
			// The application's own client is still the one it gets by type
			assertThat(context.getBean(WebSocketClient.class))
				.isSameAs(context.getBean(ApplicationClientConfiguration.class).client);
		});
	}

	@Test
	void peerClientBacksOffForABeanOfTheSameName() {
		this.contextRunner.withUserConfiguration(OwnPeerClientConfiguration.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(PeerClientConfiguration.BEAN_NAME))
				.isSameAs(OwnPeerClientConfiguration.CLIENT);
			assertThat(context.getBeanFactory().getDependenciesForBean("socketBoxClusterNode"))
				.contains(PeerClientConfiguration.BEAN_NAME);
		});
	}

	@Test
	void customizersAreAppliedInOrder() {
		this.contextRunner.withUserConfiguration(CustomizerConfiguration.class).run((context) -> {
			StandardWebSocketClient client = context.getBean(PeerClientConfiguration.BEAN_NAME,
					StandardWebSocketClient.class);
			assertThat(client.getUserProperties()).containsEntry("order", "first,second");
		});
	}

	@Test
	void withoutABundleThePeerClientHasNoSslContextOfItsOwn() {
		this.contextRunner.run((context) -> assertThat(
				context.getBean(PeerClientConfiguration.BEAN_NAME, StandardWebSocketClient.class).getSslContext())
			.isNull());
	}

	@Test
	void sslBundleGivesThePeerClientItsSslContext(@TempDir Path directory) {
		TestCertificates certificates = new TestCertificates(directory);
		Path key = certificates.keyStore("node");
		Path trust = certificates.trustStore("node", key);
		this.contextRunner.withPropertyValues(TestCertificates.bundle("peers", key, trust).toArray(String[]::new))
			.withPropertyValues("socketbox.cluster.ssl.bundle=peers")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SSLContext sslContext = context
					.getBean(PeerClientConfiguration.BEAN_NAME, StandardWebSocketClient.class)
					.getSslContext();
				assertThat(sslContext).isNotNull();
			});
	}

	@Test
	void unknownSslBundleFailsWithWhatToSet() {
		this.contextRunner.withPropertyValues("socketbox.cluster.ssl.bundle=missing")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("There is no SSL bundle named 'missing'")
				.hasMessageContaining("spring.ssl.bundle.jks.missing.*"));
	}

	@Test
	void previousSecretsReachTheNodeSettings() {
		this.contextRunner.withPropertyValues("socketbox.cluster.previous-secret-keys=" + PREVIOUS)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				SocketBoxProperties properties = context.getBean(SocketBoxProperties.class);
				ClusterNode.Settings settings = ClusterConfiguration.settings(properties);
				assertThat(settings.secretKey()).isEqualTo(SECRET);
				assertThat(settings.previousSecretKeys()).containsExactly(PREVIOUS);
				assertThat(settings.toString()).doesNotContain(SECRET).doesNotContain(PREVIOUS);
			});
	}

	@Test
	void previousSecretShorterThanTheMinimumFailsWithoutShowingIt() {
		String shortSecret = "too-short-to-be-a-secret";
		this.contextRunner.withPropertyValues("socketbox.cluster.previous-secret-keys=" + PREVIOUS + "," + shortSecret)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("socketbox.cluster.previous-secret-keys[1]")
				.hasMessageContaining("at least " + ClusterNode.MIN_SECRET_LENGTH + " characters")
				.message()
				.doesNotContain(shortSecret));
	}

	@Configuration(proxyBeanMethods = false)
	static class ApplicationClientConfiguration {

		final WebSocketClient client = new StandardWebSocketClient();

		@Bean
		WebSocketClient applicationWebSocketClient() {
			return this.client;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPeerClientConfiguration {

		static final WebSocketClient CLIENT = new StandardWebSocketClient();

		@Bean(PeerClientConfiguration.BEAN_NAME)
		WebSocketClient socketBoxPeerWebSocketClient() {
			return CLIENT;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomizerConfiguration {

		@Bean
		@org.springframework.core.annotation.Order(2)
		SocketBoxPeerClientCustomizer second() {
			return (client) -> client.getUserProperties().merge("order", "second", (a, b) -> a + "," + b);
		}

		@Bean
		@org.springframework.core.annotation.Order(1)
		SocketBoxPeerClientCustomizer first() {
			return (client) -> client.getUserProperties().merge("order", "first", (a, b) -> a + "," + b);
		}

	}

}
