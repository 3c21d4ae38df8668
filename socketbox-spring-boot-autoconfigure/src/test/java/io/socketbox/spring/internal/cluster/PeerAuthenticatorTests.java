package io.socketbox.spring.internal.cluster;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PeerAuthenticator} with previous secrets, as used while the secret
 * changes node by node.
 */
class PeerAuthenticatorTests {

	private static final String OLD = "old-secret-0123456789-abcdefghijklmnop";

	private static final String NEW = "new-secret-0123456789-qrstuvwxyzabcdef";

	private static final String OTHER = "other-secret-0123456789-ghijklmnopqrst";

	@Test
	void acceptsProofsMadeWithTheSecretOrAPreviousOne() {
		PeerAuthenticator verifier = new PeerAuthenticator(NEW, List.of(OLD));
		assertThat(verifier.acceptsHello(hello(new PeerAuthenticator(NEW)), "a", "d", "dialer", "acceptor", "ws://x"))
			.isTrue();
		assertThat(verifier.acceptsHello(hello(new PeerAuthenticator(OLD)), "a", "d", "dialer", "acceptor", "ws://x"))
			.isTrue();
		assertThat(
				verifier.acceptsWelcome(welcome(new PeerAuthenticator(OLD)), "a", "d", "dialer", "acceptor", "ws://x"))
			.isTrue();
	}

	@Test
	void rejectsProofsMadeWithAnyOtherSecret() {
		PeerAuthenticator verifier = new PeerAuthenticator(NEW, List.of(OLD));
		assertThat(
				verifier.acceptsHello(hello(new PeerAuthenticator(OTHER)), "a", "d", "dialer", "acceptor", "ws://x"))
			.isFalse();
		assertThat(verifier.acceptsWelcome(welcome(new PeerAuthenticator(OTHER)), "a", "d", "dialer", "acceptor",
				"ws://x"))
			.isFalse();
	}

	@Test
	void provesItselfWithTheCurrentSecretOnly() {
		PeerAuthenticator rotating = new PeerAuthenticator(NEW, List.of(OLD));
		assertThat(new PeerAuthenticator(NEW).acceptsHello(hello(rotating), "a", "d", "dialer", "acceptor", "ws://x"))
			.isTrue();
		assertThat(new PeerAuthenticator(OLD).acceptsHello(hello(rotating), "a", "d", "dialer", "acceptor", "ws://x"))
			.isFalse();
		assertThat(
				new PeerAuthenticator(OLD).acceptsWelcome(welcome(rotating), "a", "d", "dialer", "acceptor", "ws://x"))
			.isFalse();
	}

	@Test
	void aHelloProofIsNoWelcomeProof() {
		PeerAuthenticator authenticator = new PeerAuthenticator(NEW, List.of(OLD));
		assertThat(authenticator.acceptsWelcome(hello(authenticator), "a", "d", "dialer", "acceptor", "ws://x"))
			.isFalse();
		assertThat(authenticator.acceptsHello(hello(authenticator), "a", "d", "dialer", "acceptor", "ws://y"))
			.isFalse();
	}

	private static String hello(PeerAuthenticator prover) {
		return prover.helloProof("a", "d", "dialer", "acceptor", "ws://x");
	}

	private static String welcome(PeerAuthenticator prover) {
		return prover.welcomeProof("a", "d", "dialer", "acceptor", "ws://x");
	}

}
