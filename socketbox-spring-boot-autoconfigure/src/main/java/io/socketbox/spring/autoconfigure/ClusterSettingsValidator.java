package io.socketbox.spring.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.socketbox.spring.internal.cluster.ClusterNode;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.util.unit.DataSize;

/**
 * Checks the cluster properties at start, each on its own and against each other, and
 * fails with {@link InvalidConfigurationPropertyValueException} that says what to set.
 */
final class ClusterSettingsValidator {

	private static final Log logger = LogFactory.getLog(ClusterSettingsValidator.class);

	private static final String PREFIX = "socketbox.cluster.";

	private ClusterSettingsValidator() {
	}

	/**
	 * Check the cluster properties.
	 * @param properties the properties
	 * @throws InvalidConfigurationPropertyValueException on the first property that is
	 * invalid
	 */
	static void validate(SocketBoxProperties properties) {
		SocketBoxProperties.Cluster cluster = properties.getCluster();
		validateSecret(cluster.getSecretKey());
		validatePreviousSecrets(cluster.getPreviousSecretKeys());
		if (cluster.getName() != null && !cluster.getName().isBlank()) {
			NodeNameSupplier.validate(cluster.getName().trim());
		}
		validateDiscovery(cluster);
		validateLinks(cluster);
		validateDelivery(cluster);
		warnIfFramesCannotCarryClientMessages(properties);
	}

	private static void validateSecret(@Nullable String secret) {
		if (secret == null || secret.isBlank()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "secret-key", null,
					"Cluster mode needs a secret that every node shares: set socketbox.cluster.secret-key "
							+ "to a random string of at least " + ClusterNode.MIN_SECRET_LENGTH + " characters");
		}
		if (secret.length() < ClusterNode.MIN_SECRET_LENGTH) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "secret-key",
					"<" + secret.length() + " characters>",
					"The secret must have at least " + ClusterNode.MIN_SECRET_LENGTH
							+ " characters: set socketbox.cluster.secret-key to a longer random string");
		}
	}

	private static void validatePreviousSecrets(List<String> previousSecrets) {
		for (int i = 0; i < previousSecrets.size(); i++) {
			String previous = previousSecrets.get(i);
			int length = (previous != null) ? previous.length() : 0;
			if (previous == null || previous.isBlank() || length < ClusterNode.MIN_SECRET_LENGTH) {
				// The value is never shown: it is a secret that some node may still use
				throw new InvalidConfigurationPropertyValueException(PREFIX + "previous-secret-keys[" + i + "]",
						"<" + length + " characters>",
						"Each previous secret must have at least " + ClusterNode.MIN_SECRET_LENGTH
								+ " characters, as the secret itself: remove it from "
								+ "socketbox.cluster.previous-secret-keys or give the full secret");
			}
		}
	}

	private static void validateDiscovery(SocketBoxProperties.Cluster cluster) {
		Duration refreshInterval = positive("refresh-interval", cluster.getRefreshInterval());
		Duration memberTimeout = positive("member-timeout", cluster.getMemberTimeout());
		longer("member-timeout", memberTimeout, "refresh-interval", refreshInterval,
				"a member would expire between two refreshes of its registration");
		Duration leaseDuration = cluster.getManagerLeaseDuration();
		if (leaseDuration != null) {
			positive("manager-lease-duration", leaseDuration);
			Duration twoRefreshes = refreshInterval.multipliedBy(2);
			if (leaseDuration.compareTo(twoRefreshes) < 0) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "manager-lease-duration", leaseDuration,
						"The manager renews its lease once per refresh, so a lease shorter than two refresh "
								+ "intervals (" + twoRefreshes + ") runs out whenever one refresh is late: set "
								+ "socketbox.cluster.manager-lease-duration to at least twice "
								+ "socketbox.cluster.refresh-interval, or leave it unset for "
								+ ClusterNode.Discovery.defaultLeaseDuration(refreshInterval, memberTimeout));
			}
		}
	}

	private static void validateLinks(SocketBoxProperties.Cluster cluster) {
		positive("handshake-timeout", cluster.getHandshakeTimeout());
		if (cluster.getMaxPendingHandshakes() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "max-pending-handshakes",
					cluster.getMaxPendingHandshakes(),
					"At least one connection must be able to complete the peer handshake: set "
							+ "socketbox.cluster.max-pending-handshakes to 1 or more");
		}
		Duration heartbeatInterval = positive("heartbeat-interval", cluster.getHeartbeatInterval());
		Duration heartbeatTimeout = positive("heartbeat-timeout", cluster.getHeartbeatTimeout());
		longer("heartbeat-timeout", heartbeatTimeout, "heartbeat-interval", heartbeatInterval,
				"a link would be closed for silence between two heartbeats");
		Duration initialDelay = positive("reconnect-initial-delay", cluster.getReconnectInitialDelay());
		Duration maxDelay = positive("reconnect-max-delay", cluster.getReconnectMaxDelay());
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "reconnect-max-delay", maxDelay,
					"The longest delay between attempts to reconnect is below the first delay ("
							+ initialDelay + "): set socketbox.cluster.reconnect-max-delay to at least "
							+ "socketbox.cluster.reconnect-initial-delay");
		}
		maxFrameSize(cluster);
		positive("send-time-limit", cluster.getSendTimeLimit());
		size("send-buffer-size-limit", cluster.getSendBufferSizeLimit(), 1, "1 byte");
	}

	private static void validateDelivery(SocketBoxProperties.Cluster cluster) {
		positive("reply-timeout", cluster.getReplyTimeout());
		Duration resendWindow = positive("resend-window", cluster.getResendWindow());
		Duration heartbeatTimeout = cluster.getHeartbeatTimeout();
		if (resendWindow.compareTo(heartbeatTimeout) < 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "resend-window", resendWindow,
					"Messages for a peer wait for its link at least the heartbeat timeout (" + heartbeatTimeout
							+ "), so a shorter resend window has no effect: set socketbox.cluster.resend-window "
							+ "to at least socketbox.cluster.heartbeat-timeout");
		}
		DataSize resendBufferSize = cluster.getResendBufferSize();
		if (resendBufferSize == null || resendBufferSize.toBytes() < 1) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "resend-buffer-size", resendBufferSize,
					"Set socketbox.cluster.resend-buffer-size to at least 1 byte, such as 16MB");
		}
	}

	private static Duration positive(String name, @Nullable Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value,
					"Set socketbox.cluster." + name + " to a duration greater than zero");
		}
		return value;
	}

	private static void longer(String name, Duration value, String shorterName, Duration shorter, String why) {
		if (value.compareTo(shorter) <= 0) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value,
					"It must be longer than socketbox.cluster." + shorterName + " (" + shorter + "), or " + why
							+ ": set socketbox.cluster." + name + " to a longer duration or socketbox.cluster."
							+ shorterName + " to a shorter one");
		}
	}

	/**
	 * Check a size that the links hold in an {@code int}.
	 */
	/**
	 * Check {@code socketbox.cluster.max-frame-size}, which cluster operations use for
	 * their size limit even on a single node.
	 * @param cluster the cluster properties
	 * @return the largest frame, in bytes
	 */
	static int maxFrameSize(SocketBoxProperties.Cluster cluster) {
		size("max-frame-size", cluster.getMaxFrameSize(), ClusterNode.MIN_FRAME_SIZE,
				ClusterNode.MIN_FRAME_SIZE + " bytes (the largest frame of the peer handshake)");
		return (int) cluster.getMaxFrameSize().toBytes();
	}

	private static void size(String name, @Nullable DataSize value, int min, String atLeast) {
		if (value == null || value.toBytes() < min || value.toBytes() > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + name, value, "Set socketbox.cluster."
					+ name + " to at least " + atLeast + " and at most " + Integer.MAX_VALUE + " bytes");
		}
	}

	/**
	 * JSON escapes a control character in six characters, and an application that wraps
	 * a client's text in JSON of its own escapes it again (seven): a broadcast of a
	 * client message up to the text limit must fit in a link frame, or it reaches only
	 * this node's connections (and is counted as dropped).
	 */
	private static void warnIfFramesCannotCarryClientMessages(SocketBoxProperties properties) {
		long maxFrameSize = properties.getCluster().getMaxFrameSize().toBytes();
		long needed = 7 * properties.getMaxTextMessageSize().toBytes() + 1024;
		if (maxFrameSize < needed) {
			logger.warn("socketbox.cluster.max-frame-size (" + maxFrameSize + " bytes) is less than 7 times "
					+ "socketbox.max-text-message-size plus 1 KB (" + needed + " bytes): a client message that "
					+ "is broadcast as it came, with characters that JSON escapes, may not fit in a frame "
					+ "between nodes; such frames are dropped and counted");
		}
	}

}
