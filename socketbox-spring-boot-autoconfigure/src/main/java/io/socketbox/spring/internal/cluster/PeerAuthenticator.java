package io.socketbox.spring.internal.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.util.Assert;

/**
 * Mutual HMAC-SHA256 challenge-response between two nodes that share a secret. Each
 * side proves that it knows the secret by a MAC over both sides' fresh nonces, both
 * node ids and the dialed URL, so that the secret never crosses the wire, a recorded
 * handshake cannot be replayed and a relay to another node fails. A node proves itself
 * with its current secret only, and accepts a peer's proof made with the current secret
 * or with any of the previous ones, so that the secret can change node by node.
 */
final class PeerAuthenticator {

	private static final String ALGORITHM = "HmacSHA256";

	private final SecretKeySpec key;

	/**
	 * The keys whose proofs are accepted: the current one first.
	 */
	private final List<SecretKeySpec> acceptedKeys;

	private final SecureRandom random = new SecureRandom();

	PeerAuthenticator(String secret) {
		this(secret, List.of());
	}

	/**
	 * Create an authenticator.
	 * @param secret the secret this node proves itself with
	 * @param previousSecrets other secrets accepted from peers, never used to prove this
	 * node
	 */
	PeerAuthenticator(String secret, List<String> previousSecrets) {
		this.key = key(secret);
		this.acceptedKeys = Stream.concat(Stream.of(this.key), previousSecrets.stream().map(PeerAuthenticator::key))
			.toList();
	}

	private static SecretKeySpec key(String secret) {
		Assert.isTrue(secret.length() >= ClusterNode.MIN_SECRET_LENGTH,
				() -> "Secret must have at least " + ClusterNode.MIN_SECRET_LENGTH + " characters");
		return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
	}

	String newNonce() {
		byte[] nonce = new byte[32];
		this.random.nextBytes(nonce);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(nonce);
	}

	/**
	 * Compute the dialing node's proof, with the current secret.
	 */
	String helloProof(String acceptorNonce, String dialerNonce, String dialerId, String acceptorId,
			String acceptorName) {
		return mac(this.key, "hello", acceptorNonce, dialerNonce, dialerId, acceptorId, acceptorName);
	}

	/**
	 * Compute the accepting node's proof, with the current secret.
	 */
	String welcomeProof(String acceptorNonce, String dialerNonce, String dialerId, String acceptorId,
			String acceptorName) {
		return mac(this.key, "welcome", acceptorNonce, dialerNonce, dialerId, acceptorId, acceptorName);
	}

	/**
	 * Whether a dialing node's proof was made with the current secret or a previous one.
	 */
	boolean acceptsHello(String proof, String acceptorNonce, String dialerNonce, String dialerId, String acceptorId,
			String acceptorName) {
		return accepts(proof, "hello", acceptorNonce, dialerNonce, dialerId, acceptorId, acceptorName);
	}

	/**
	 * Whether an accepting node's proof was made with the current secret or a previous
	 * one.
	 */
	boolean acceptsWelcome(String proof, String acceptorNonce, String dialerNonce, String dialerId,
			String acceptorId, String acceptorName) {
		return accepts(proof, "welcome", acceptorNonce, dialerNonce, dialerId, acceptorId, acceptorName);
	}

	private boolean accepts(String proof, String... parts) {
		boolean accepted = false;
		// Every key is tried, so that the time taken does not tell which one matched
		for (SecretKeySpec candidate : this.acceptedKeys) {
			accepted |= matches(mac(candidate, parts), proof);
		}
		return accepted;
	}

	/**
	 * Compare a received proof with the expected one in constant time.
	 */
	static boolean matches(String expected, String actual) {
		return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
				actual.getBytes(StandardCharsets.US_ASCII));
	}

	private static String mac(SecretKeySpec key, String... parts) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
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
