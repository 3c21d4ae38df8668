package io.socketbox.spring.internal.session;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.jspecify.annotations.Nullable;

import io.socketbox.spring.testsupport.HostileStrings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Resume tokens against what a client controls: any token it makes, any change to a
 * token it was given, any principal it connects as. Only an unchanged token resumes, and
 * only its own session for its own principal.
 */
class SessionTokensProperties {

	private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

	private static final Duration WINDOW = Duration.ofMinutes(2);

	private final SessionTokens tokens = new SessionTokens(List.of("k".repeat(32).getBytes()), WINDOW,
			Clock.fixed(NOW, ZoneOffset.UTC));

	@Property(tries = 300)
	void aTokenResumesItsSessionForItsPrincipalOnly(@ForAll("sessionIds") String sessionId,
			@ForAll("users") @Nullable String user, @ForAll("users") @Nullable String other) {
		String token = this.tokens.issue(sessionId, user);
		assertThat(this.tokens.verify(token, user)).isEqualTo(sessionId);
		if (!java.util.Objects.equals(user, other)) {
			assertThat(this.tokens.verify(token, other)).isNull();
		}
	}

	@Property(tries = 500)
	void anyChangedCharacterMakesATokenInvalid(@ForAll("sessionIds") String sessionId,
			@ForAll("users") @Nullable String user, @ForAll @IntRange(min = 0, max = 10_000) int at,
			@ForAll char replacement) {
		String token = this.tokens.issue(sessionId, user);
		int index = at % token.length();
		if (token.charAt(index) == replacement) {
			return;
		}
		String changed = token.substring(0, index) + replacement + token.substring(index + 1);
		String resumed = this.tokens.verify(changed, user);
		// Base64 may decode two strings to the same bytes (unused low bits of the last
		// character): such a token names the same session, never another one
		assertThat(resumed).isIn(null, sessionId);
	}

	@Property(tries = 500)
	void madeUpTokensNeverResume(@ForAll("madeUp") String token, @ForAll("users") @Nullable String user) {
		assertThat(this.tokens.verify(token, user)).isNull();
	}

	@Property(tries = 200)
	void aTokenOfAnotherKeyOrAnExpiredOneNeverResumes(@ForAll("sessionIds") String sessionId,
			@ForAll("users") @Nullable String user, @ForAll @IntRange(min = 181, max = 100_000) int ageSeconds) {
		SessionTokens otherKey = new SessionTokens(List.of("j".repeat(32).getBytes()), WINDOW,
				Clock.fixed(NOW, ZoneOffset.UTC));
		assertThat(this.tokens.verify(otherKey.issue(sessionId, user), user)).isNull();
		SessionTokens earlier = new SessionTokens(List.of("k".repeat(32).getBytes()), WINDOW,
				Clock.fixed(NOW.minusSeconds(ageSeconds), ZoneOffset.UTC));
		assertThat(this.tokens.verify(earlier.issue(sessionId, user), user)).isNull();
		SessionTokens later = new SessionTokens(List.of("k".repeat(32).getBytes()), WINDOW,
				Clock.fixed(NOW.plusSeconds(ageSeconds), ZoneOffset.UTC));
		assertThat(this.tokens.verify(later.issue(sessionId, user), user)).isNull();
	}

	@Property(tries = 100)
	void aTokenSignedWithAPreviousSecretStillResumes(@ForAll("sessionIds") String sessionId,
			@ForAll("users") @Nullable String user) {
		SessionTokens old = SessionTokens.create("old-secret-0123456789-abcdefghijklmno", List.of(), WINDOW);
		SessionTokens rotated = SessionTokens.create("new-secret-0123456789-abcdefghijklmno",
				List.of("old-secret-0123456789-abcdefghijklmno"), WINDOW);
		assertThat(rotated.verify(old.issue(sessionId, user), user)).isEqualTo(sessionId);
		assertThat(old.verify(rotated.issue(sessionId, user), user)).isNull();
	}

	@Provide
	Arbitrary<String> sessionIds() {
		return Combinators.combine(Arbitraries.strings().withCharRange('0', '9').withCharRange('a', 'z').ofLength(15),
				Arbitraries.longs().between(1, Long.MAX_VALUE))
			.as((node, n) -> node + "." + n);
	}

	@Provide
	Arbitrary<@Nullable String> users() {
		return Arbitraries.oneOf(HostileStrings.upTo(40), Arbitraries.just(""), Arbitraries.just("alice"))
			.injectNull(0.2);
	}

	@Provide
	Arbitrary<String> madeUp() {
		Arbitrary<String> part = Arbitraries.strings()
			.withCharRange('a', 'z')
			.withCharRange('A', 'Z')
			.withCharRange('0', '9')
			.withChars('-', '_', '=', '+', '/')
			.ofMaxLength(60);
		return Arbitraries.oneOf(HostileStrings.upTo(200), part.list().ofMinSize(1).ofMaxSize(6).map((parts) -> String.join(".", parts)),
				Arbitraries.strings().ofLength(SessionTokens.MAX_LENGTH + 1));
	}

}
