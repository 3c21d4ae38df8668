package io.socketbox.spring.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * Mutual HMAC-SHA256 challenge-response between two nodes that share a secret. Each
 * side proves that it knows the secret by a MAC over both sides' fresh nonces, both
 * node ids and the dialed URL, so that the secret never crosses the wire, a recorded
 * handshake cannot be replayed and a relay to another node fails.
 */
final class PeerAuthenticator {

	private static final String ALGORITHM = "HmacSHA256";

	private final SecretKeySpec key;

	private final SecureRandom random = new SecureRandom();

	PeerAuthenticator(String secret) {
		Assert.isTrue(secret.length() >= ClusterNode.MIN_SECRET_LENGTH,
				() -> "Secret must have at least " + ClusterNode.MIN_SECRET_LENGTH + " characters");
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
	}

	String newNonce() {
		byte[] nonce = new byte[32];
		this.random.nextBytes(nonce);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
	}

	/**
	 * Compute the dialing node's proof.
	 */
	String helloProof(String acceptorNonce, String dialerNonce, String dialerId, String acceptorId,
			String acceptorName) {
		return mac("hello", acceptorNonce, dialerNonce, dialerId, acceptorId, acceptorName);
	}

	/**
	 * Compute the accepting node's proof.
	 */
	String welcomeProof(String acceptorNonce, String dialerNonce, String dialerId, String acceptorId,
			String acceptorName) {
		return mac("welcome", acceptorNonce, dialerNonce, dialerId, acceptorId, acceptorName);
	}

	/**
	 * Compare a received proof with the expected one in constant time.
	 */
	static boolean matches(String expected, String actual) {
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				actual.getBytes(StandardCharsets.US_ASCII));
	}

	private String mac(String... parts) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			for (String part : parts) {
				byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
				// Length-prefix each part so that no two sequences of parts collide
				mac.update(new byte[] { (byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
						(byte) (bytes.length >>> 8), (byte) bytes.length });
				mac.update(bytes);
			}
			return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
