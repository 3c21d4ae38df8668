package io.socketbox.spring.internal.stomp;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.internal.stomp.StompPeerCodec.InterestFrame;

import org.springframework.util.AntPathMatcher;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RemoteInterest}: which peers a destination interests, from the
 * changes and snapshots they send.
 */
class RemoteInterestTests {

	private final RemoteInterest interest = new RemoteInterest(new AntPathMatcher(),
			(destination) -> destination.startsWith("/topic") || destination.startsWith("/queue"));

	@Test
	void plainDestinationsMatchByEqualityAndPatternsByThePathMatcher() {
		assertThat(apply("p1", InterestFrame.ADD, "/topic/a")).isNull();
		assertThat(apply("p2", InterestFrame.ADD, "/topic/*/alerts")).isNull();
		assertThat(this.interest.peersFor("/topic/a")).containsExactly("p1");
		assertThat(this.interest.peersFor("/topic/fx/alerts")).containsExactly("p2");
		assertThat(this.interest.peersFor("/topic/b")).isEmpty();
		apply("p1", InterestFrame.REMOVE, "/topic/a");
		assertThat(this.interest.peersFor("/topic/a")).isEmpty();
	}

	@Test
	void anyMatchesEveryDestination() {
		apply("p1", InterestFrame.ADD, LocalInterest.ANY);
		assertThat(this.interest.peersFor("/queue/anything")).containsExactly("p1");
		apply("p1", InterestFrame.REMOVE, LocalInterest.ANY);
		assertThat(this.interest.peersFor("/queue/anything")).isEmpty();
	}

	@Test
	void aSnapshotReplacesTheViewOnlyOnceComplete() {
		apply("p1", InterestFrame.ADD, "/topic/old");
		assertThat(snapshot("p1", 0, false, "/topic/new1")).isNull();
		assertThat(this.interest.peersFor("/topic/old")).containsExactly("p1");
		assertThat(this.interest.peersFor("/topic/new1")).isEmpty();
		assertThat(snapshot("p1", 1, true, "/topic/new2")).isNull();
		assertThat(this.interest.destinationsOf("p1")).containsExactly("/topic/new1", "/topic/new2");
	}

	@Test
	void aSnapshotPartOutOfOrderIsAViolation() {
		assertThat(snapshot("p1", 1, true, "/topic/x")).contains("out of order");
		assertThat(snapshot("p1", 0, false, "/topic/x")).isNull();
		assertThat(snapshot("p1", 2, true, "/topic/y")).contains("out of order");
	}

	@Test
	void aDestinationOutsideThePrefixesIsAViolationAndChangesNothing() {
		apply("p1", InterestFrame.ADD, "/topic/a");
		assertThat(this.interest.apply("p1", new InterestFrame(InterestFrame.ADD, List.of("/topic/b", "/app/x"), null,
				null))).contains("outside the broker's destination prefixes");
		assertThat(this.interest.destinationsOf("p1")).containsExactly("/topic/a");
	}

	@Test
	void sweepForgetsOnlyQuietPeersWithoutAChannel() {
		apply("gone", InterestFrame.ADD, "/topic/a");
		apply("linked", InterestFrame.ADD, "/topic/a");
		this.interest.sweep("linked"::equals, Long.MAX_VALUE);
		assertThat(this.interest.peerIds()).containsExactlyInAnyOrder("gone", "linked");
		this.interest.sweep("linked"::equals, 0);
		assertThat(this.interest.peerIds()).containsExactly("linked");
	}

	private String apply(String peerId, String kind, String destination) {
		return this.interest.apply(peerId, new InterestFrame(kind, List.of(destination), null, null));
	}

	private String snapshot(String peerId, int part, boolean last, String destination) {
		return this.interest.apply(peerId, new InterestFrame(InterestFrame.SNAPSHOT, List.of(destination), part, last));
	}

}
