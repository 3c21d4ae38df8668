package io.socketbox.spring.internal.stomp;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.internal.stomp.StompPeerCodec.SessionEntry;
import io.socketbox.spring.internal.stomp.StompPeerCodec.SubscriptionEntry;
import io.socketbox.spring.internal.stomp.StompPeerCodec.UsersFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RemoteUsers}: the sessions of the peers' users by user name, changes,
 * snapshots in parts, peers that are not listed, violations and the sweep.
 */
class RemoteUsersTests {

	private final RemoteUsers users = new RemoteUsers();

	@Test
	void setAndRemoveSessionsOfAUser() {
		assertThat(this.users.apply("p1", set(session("s1", "alice"), session("s2", "alice"), session("s3", "bob"))))
			.isNull();
		assertThat(ids(this.users.sessionsOf("alice", (peer) -> true))).containsExactlyInAnyOrder("s1", "s2");
		assertThat(this.users.userNames((peer) -> true)).containsExactlyInAnyOrder("alice", "bob");
		assertThat(this.users.apply("p1", frame(UsersFrame.REMOVE, new SessionEntry("s1", null, null)))).isNull();
		assertThat(ids(this.users.sessionsOf("alice", (peer) -> true))).containsExactly("s2");
		assertThat(this.users.apply("p1", frame(UsersFrame.REMOVE, new SessionEntry("s2", null, null)))).isNull();
		assertThat(this.users.sessionsOf("alice", (peer) -> true)).isEmpty();
		assertThat(this.users.userNames((peer) -> true)).containsExactly("bob");
	}

	@Test
	void aSetReplacesTheSessionsSubscriptionsAndMayMoveItToAnotherUser() {
		this.users.apply("p1", set(new SessionEntry("s1", "alice", List.of(new SubscriptionEntry("0", "/topic/a")))));
		this.users.apply("p1", set(new SessionEntry("s1", "alice", List.of(new SubscriptionEntry("1", "/topic/b")))));
		assertThat(this.users.sessionsOf("alice", (peer) -> true)).singleElement()
			.satisfies((entry) -> assertThat(entry.b()).containsExactly(new SubscriptionEntry("1", "/topic/b")));
		this.users.apply("p1", set(session("s1", "bob")));
		assertThat(this.users.sessionsOf("alice", (peer) -> true)).isEmpty();
		assertThat(ids(this.users.sessionsOf("bob", (peer) -> true))).containsExactly("s1");
	}

	@Test
	void sessionsOfAPeerThatIsNotListedAreLeftOut() {
		this.users.apply("p1", set(session("s1", "alice")));
		this.users.apply("p2", set(session("s2", "alice"), session("s3", "bob")));
		assertThat(ids(this.users.sessionsOf("alice", "p1"::equals))).containsExactly("s1");
		assertThat(this.users.userNames("p1"::equals)).containsExactly("alice");
		assertThat(this.users.userNames((peer) -> false)).isEmpty();
	}

	@Test
	void aSnapshotReplacesThePeersSessionsOnlyOnceComplete() {
		this.users.apply("p1", set(session("old", "alice")));
		assertThat(this.users.apply("p1", snapshot(0, false, session("s1", "alice")))).isNull();
		assertThat(ids(this.users.sessionsOf("alice", (peer) -> true))).containsExactly("old");
		assertThat(this.users.apply("p1", snapshot(1, true, session("s2", "bob")))).isNull();
		assertThat(ids(this.users.sessionsOf("alice", (peer) -> true))).containsExactly("s1");
		assertThat(ids(this.users.sessionsOf("bob", (peer) -> true))).containsExactly("s2");
		assertThat(this.users.sessionsOf("p1")).containsExactlyInAnyOrder("s1", "s2");
	}

	@Test
	void badFramesAreViolationsAndApplyNothing() {
		assertThat(this.users.apply("p1", snapshot(2, true, session("s1", "alice")))).contains("out of order");
		assertThat(this.users.apply("p1", new UsersFrame(null, List.of(session("s1", "alice")), null, null)))
			.isNotNull();
		assertThat(this.users.apply("p1", new UsersFrame(UsersFrame.SET, null, null, null))).isNotNull();
		assertThat(this.users.apply("p1", frame("bogus", session("s1", "alice")))).contains("Unknown");
		assertThat(this.users.apply("p1", set(session("s1", "alice"), session("s/2", "alice")))).isNotNull();
		assertThat(this.users.apply("p1", set(session("s1", "alice"), session("s2", "")))).isNotNull();
		assertThat(this.users.apply("p1", set(new SessionEntry("s1", "alice", Arrays.asList(
				new SubscriptionEntry("0", null)))))).isNotNull();
		assertThat(this.users.userNames((peer) -> true)).isEmpty();
	}

	@Test
	void sweepForgetsPeersWithoutAChannelThatAreQuiet() {
		this.users.apply("gone", set(session("s1", "alice")));
		this.users.apply("known", set(session("s2", "bob")));
		// Quiet for longer than -1 ns: any age
		this.users.sweep("known"::equals, -1);
		assertThat(this.users.userNames((peer) -> true)).containsExactly("bob");
		this.users.apply("recent", set(session("s3", "carol")));
		this.users.sweep("known"::equals, TimeUnit.HOURS.toNanos(1));
		assertThat(this.users.userNames((peer) -> true)).containsExactlyInAnyOrder("bob", "carol");
		this.users.forget("recent");
		assertThat(this.users.userNames((peer) -> true)).containsExactly("bob");
	}

	private static SessionEntry session(String id, String user) {
		return new SessionEntry(id, user, List.of());
	}

	private static UsersFrame set(SessionEntry... sessions) {
		return frame(UsersFrame.SET, sessions);
	}

	private static UsersFrame frame(String kind, SessionEntry... sessions) {
		return new UsersFrame(kind, List.of(sessions), null, null);
	}

	private static UsersFrame snapshot(int part, boolean last, SessionEntry... sessions) {
		return new UsersFrame(UsersFrame.SNAPSHOT, List.of(sessions), part, last);
	}

	private static List<String> ids(List<SessionEntry> sessions) {
		return sessions.stream().map(SessionEntry::i).toList();
	}

}
