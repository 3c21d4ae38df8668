package io.socketbox.spring.autoconfigure;

import java.time.Duration;

import io.socketbox.spring.internal.cluster.ClusterNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the cluster settings: {@link ClusterSettingsValidator} and the groups that
 * {@link ClusterConfiguration} builds.
 */
class ClusterSettingsTests {

	private static final String SECRET = "0123456789abcdef0123456789abcdef";

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SocketBoxAutoConfiguration.class, JacksonAutoConfiguration.class))
		.withUserConfiguration(SocketBoxAutoConfigurationTests.HandlerConfiguration.class)
		.withPropertyValues("socketbox.cluster.enabled=true", "socketbox.cluster.secret-key=" + SECRET,
				"socketbox.cluster.host=127.0.0.1", "socketbox.cache.type=memory",
				"socketbox.cluster.auto-startup=false");

	@Test
	void defaultsStart() {
		this.contextRunner.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ClusterNode.class));
	}

	@ParameterizedTest
	@ValueSource(strings = { "refresh-interval", "member-timeout", "handshake-timeout", "reply-timeout",
			"heartbeat-interval", "heartbeat-timeout", "resend-window", "reconnect-initial-delay",
			"reconnect-max-delay", "send-time-limit" })
	void durationThatIsNotPositiveFails(String name) {
		assertFails("socketbox.cluster." + name + "=0s",
				"Set socketbox.cluster." + name + " to a duration greater than zero");
		assertFails("socketbox.cluster." + name + "=-1s",
				"Set socketbox.cluster." + name + " to a duration greater than zero");
	}

	@ParameterizedTest
	@ValueSource(strings = { "resend-buffer-size", "send-buffer-size-limit", "max-frame-size" })
	void sizeThatIsNotPositiveFails(String name) {
		assertFails("socketbox.cluster." + name + "=0B", "Set socketbox.cluster." + name + " to at least ");
	}

	@Test
	void maxFrameSizeBelowHandshakeFrameFails() {
		assertFails("socketbox.cluster.max-frame-size=4KB", "Set socketbox.cluster.max-frame-size to at least "
				+ ClusterNode.MIN_FRAME_SIZE + " bytes (the largest frame of the peer handshake)");
	}

	@Test
	void maxFrameSizeAboveIntFails() {
		assertFails("socketbox.cluster.max-frame-size=3GB", "at most 2147483647 bytes");
	}

	@Test
	void heartbeatTimeoutNotLongerThanIntervalFails() {
		assertFails(
				new String[] { "socketbox.cluster.heartbeat-interval=3s", "socketbox.cluster.heartbeat-timeout=3s" },
				"It must be longer than socketbox.cluster.heartbeat-interval (PT3S)");
	}

	@Test
	void managerLeaseDurationShorterThanTwoRefreshIntervalsFails() {
		assertFails(new String[] { "socketbox.cluster.refresh-interval=2s",
				"socketbox.cluster.manager-lease-duration=3s" },
				"set socketbox.cluster.manager-lease-duration to at least twice socketbox.cluster.refresh-interval, "
						+ "or leave it unset for PT6S");
		assertFails("socketbox.cluster.manager-lease-duration=0s",
				"Set socketbox.cluster.manager-lease-duration to a duration greater than zero");
	}

	@Test
	void managerLeaseDurationIsPassedOnAndDefaultsToMemberTimeoutLessTwoRefreshes() {
		this.contextRunner.withPropertyValues("socketbox.cluster.manager-lease-duration=4s")
			.run((context) -> assertThat(context).hasNotFailed());
		SocketBoxProperties properties = new SocketBoxProperties();
		assertThat(ClusterConfiguration.settings(properties).discovery().managerLeaseDuration()).isNull();
		assertThat(ClusterNode.Discovery.defaultLeaseDuration(Duration.ofSeconds(2), Duration.ofSeconds(10)))
			.isEqualTo(Duration.ofSeconds(6));
		assertThat(ClusterNode.Discovery.defaultLeaseDuration(Duration.ofSeconds(2), Duration.ofSeconds(7)))
			.isEqualTo(Duration.ofSeconds(6));
		properties.getCluster().setManagerLeaseDuration(Duration.ofSeconds(4));
		assertThat(ClusterConfiguration.settings(properties).discovery().managerLeaseDuration())
			.isEqualTo(Duration.ofSeconds(4));
	}

	@Test
	void memberTimeoutNotLongerThanRefreshIntervalFails() {
		assertFails(
				new String[] { "socketbox.cluster.refresh-interval=10s", "socketbox.cluster.member-timeout=5s" },
				"set socketbox.cluster.member-timeout to a longer duration or socketbox.cluster.refresh-interval "
						+ "to a shorter one");
	}

	@Test
	void resendWindowShorterThanHeartbeatTimeoutFails() {
		assertFails("socketbox.cluster.resend-window=2s",
				"set socketbox.cluster.resend-window to at least socketbox.cluster.heartbeat-timeout");
	}

	@Test
	void reconnectMaxDelayBelowInitialDelayFails() {
		assertFails("socketbox.cluster.reconnect-max-delay=50ms",
				"set socketbox.cluster.reconnect-max-delay to at least socketbox.cluster.reconnect-initial-delay");
	}

	@Test
	void limitsThemselvesAreAccepted() {
		this.contextRunner
			.withPropertyValues("socketbox.cluster.heartbeat-timeout=3s", "socketbox.cluster.resend-window=3s",
					"socketbox.cluster.reconnect-initial-delay=1s", "socketbox.cluster.reconnect-max-delay=1s",
					"socketbox.cluster.max-frame-size=8KB")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void shortTimingsOfTheTestsAreAccepted() {
		// ClusterNodes, PeerDeliveryTests and LinkFailureTests run clusters this fast
		this.contextRunner
			.withPropertyValues("socketbox.cluster.refresh-interval=200ms", "socketbox.cluster.member-timeout=2s",
					"socketbox.cluster.heartbeat-interval=20ms", "socketbox.cluster.heartbeat-timeout=1s",
					"socketbox.cluster.resend-window=2s", "socketbox.cluster.handshake-timeout=1s")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void groupsCarryEachProperty() {
		SocketBoxProperties properties = new SocketBoxProperties();
		properties.setDebugMode(true);
		SocketBoxProperties.Cluster cluster = properties.getCluster();
		cluster.setSecretKey(SECRET);
		cluster.setCachePrefix("prefix:");
		cluster.setRefreshInterval(Duration.ofMillis(1));
		cluster.setMemberTimeout(Duration.ofMillis(2));
		cluster.setHandshakeTimeout(Duration.ofMillis(3));
		cluster.setMaxPendingHandshakes(4);
		cluster.setHeartbeatInterval(Duration.ofMillis(5));
		cluster.setHeartbeatTimeout(Duration.ofMillis(6));
		cluster.setReconnectInitialDelay(Duration.ofMillis(7));
		cluster.setReconnectMaxDelay(Duration.ofMillis(8));
		cluster.setMaxFrameSize(DataSize.ofBytes(9));
		cluster.setSendTimeLimit(Duration.ofMillis(10));
		cluster.setSendBufferSizeLimit(DataSize.ofBytes(11));
		cluster.setReplyTimeout(Duration.ofMillis(12));
		cluster.setResendWindow(Duration.ofMillis(13));
		cluster.setResendBufferSize(DataSize.ofBytes(14));
		ClusterNode.Settings settings = ClusterConfiguration.settings(properties);
		assertThat(settings.secretKey()).isEqualTo(SECRET);
		assertThat(settings.debug()).isTrue();
		assertThat(settings.discovery())
			.isEqualTo(new ClusterNode.Discovery("prefix:", Duration.ofMillis(1), Duration.ofMillis(2)));
		assertThat(settings.links()).isEqualTo(new ClusterNode.Links(Duration.ofMillis(3), 4, Duration.ofMillis(5),
				Duration.ofMillis(6), Duration.ofMillis(7), Duration.ofMillis(8), 9, Duration.ofMillis(10), 11));
		assertThat(settings.delivery())
			.isEqualTo(new ClusterNode.Delivery(Duration.ofMillis(12), Duration.ofMillis(13), 14));
	}

	private void assertFails(String property, String message) {
		assertFails(new String[] { property }, message);
	}

	private void assertFails(String[] properties, String message) {
		this.contextRunner.withPropertyValues(properties)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(message));
	}

}
