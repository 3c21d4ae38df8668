package io.socketbox.spring.internal.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

/**
 * Issues and verifies the signed tokens with which a client resumes its session:
 * {@code <session id>.<user>.<issued>.<mac>}, the id and the user (its UTF-16 chars as
 * they are, lone surrogates included, so that two names never share a token, after a marker byte, so that an empty name is not the
 * absence of a principal) in base64url, the second it was issued in decimal, and
 * an HMAC-SHA256 over the three under a key derived from the cluster secret.
 * <p>
 * A token is valid for one and a half resume windows after it was issued; a connected
 * client gets a fresh one every half window, so the one it holds when its connection
 * breaks is valid for at least the window. It resumes only the session it names, and
 * only for the principal it names.
 */
public final class SessionTokens {

	/** Longer tokens are refused before they are parsed. */
	public static final int MAX_LENGTH = 1024;

	private static final String ALGORITHM = "HmacSHA256";

	private static final byte[] DERIVATION_LABEL = "socketbox session token v1".getBytes(StandardCharsets.UTF_8);

	private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

	private final List<SecretKeySpec> keys;

	private final long validitySeconds;

	private final Clock clock;

	SessionTokens(List<byte[]> keys, Duration resumeWindow, Clock clock) {
		this.keys = keys.stream().map((key) -> new SecretKeySpec(key, ALGORITHM)).toList();
		this.validitySeconds = Math.max(1, resumeWindow.toSeconds() * 3 / 2);
		this.clock = clock;
	}

	/**
	 * Create tokens signed with a key derived from the cluster secret, that verify with
	 * keys derived from the previous secrets too; without a secret (a single node), with
	 * a random key that lasts as long as this process.
	 * @param secret the cluster secret, or {@code null}
	 * @param previousSecrets secrets that are being replaced
	 * @param resumeWindow how long a session lasts between connections
	 * @return the tokens
	 */
	public static SessionTokens create(@Nullable String secret, List<String> previousSecrets,
			Duration resumeWindow) {
		List<byte[]> keys = new ArrayList<>();
		if (secret == null || secret.isEmpty()) {
			byte[] key = new byte[32];
			new SecureRandom().nextBytes(key);
			keys.add(key);
		}
		else {
			keys.add(derive(secret));
			previousSecrets.forEach((previous) -> keys.add(derive(previous)));
		}
		return new SessionTokens(keys, resumeWindow, Clock.systemUTC());
	}

	private static byte[] derive(String secret) {
		return mac(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM), DERIVATION_LABEL);
	}

	/**
	 * Issue a token for a session, valid from now.
	 * @param sessionId the session
	 * @param user the name of the session's principal, or {@code null}
	 * @return the token
	 */
	public String issue(String sessionId, @Nullable String user) {
		String signed = ENCODER.encodeToString(sessionId.getBytes(StandardCharsets.UTF_8)) + "."
				+ ENCODER.encodeToString(userBytes(user)) + "." + this.clock.instant().getEpochSecond();
		return signed + "." + ENCODER.encodeToString(mac(this.keys.get(0), signed.getBytes(StandardCharsets.US_ASCII)));
	}

	/**
	 * Return the session a token resumes for the given principal.
	 * @param token the token a client sent
	 * @param user the name of the connection's principal, or {@code null}
	 * @return the session id, or {@code null} if the token is malformed, forged, expired
	 * or another principal's
	 */
	public @Nullable String verify(String token, @Nullable String user) {
		if (token.length() > MAX_LENGTH) {
			return null;
		}
		String[] parts = token.split("\\.", -1);
		if (parts.length != 4) {
			return null;
		}
		try {
			byte[] mac = DECODER.decode(parts[3]);
			byte[] signed = (parts[0] + "." + parts[1] + "." + parts[2]).getBytes(StandardCharsets.US_ASCII);
			if (!verifies(signed, mac)) {
				return null;
			}
			long issued = Long.parseLong(parts[2]);
			long now = this.clock.instant().getEpochSecond();
			// A token issued in the future comes from a node whose clock is ahead: allow
			// the same slack as after
			if (Math.abs(now - issued) > this.validitySeconds) {
				return null;
			}
			if (!MessageDigest.isEqual(DECODER.decode(parts[1]), userBytes(user))) {
				return null;
			}
			return new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8);
		}
		catch (IllegalArgumentException ex) {
			// Not base64url, or not a number
			return null;
		}
	}

	private boolean verifies(byte[] signed, byte[] mac) {
		boolean verified = false;
		for (SecretKeySpec key : this.keys) {
			// Every key, whichever verifies, so that the time does not tell which
			verified |= MessageDigest.isEqual(mac(key, signed), mac);
		}
		return verified;
	}

	/**
	 * No principal is no bytes; a principal is a marker byte and its name in UTF-16BE,
	 * so that an empty name is not the absence of a principal.
	 */
	private static byte[] userBytes(@Nullable String user) {
		if (user == null) {
			return new byte[0];
		}
		// Each char as it is, lone surrogates included, which an encoder would replace
		byte[] bytes = new byte[user.length() * 2 + 1];
		bytes[0] = 1;
		for (int i = 0; i < user.length(); i++) {
			bytes[2 * i + 1] = (byte) (user.charAt(i) >> 8);
			bytes[2 * i + 2] = (byte) user.charAt(i);
		}
		return bytes;
	}

	private static byte[] mac(SecretKeySpec key, byte[] data) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(key);
			return mac.doFinal(data);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available", ex);
		}
	}

}
