package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import io.socketbox.spring.internal.cluster.MemberTable.Member;
import io.socketbox.spring.internal.cluster.MemberTable.Registration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link MemberTable}, on a clock that moves only when told.
 */
class MemberTableTests {

	private static final Duration MEMBER_TIMEOUT = Duration.ofSeconds(10);

	private static final Duration DEPARTED_MEMORY = Duration.ofSeconds(20);

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final Set<String> links = new HashSet<>();

	private final MemberTable table = new MemberTable("local", MEMBER_TIMEOUT, DEPARTED_MEMORY, this.clock::get);

	@Test
	void memberExpiresOnceItsHeartbeatStoodStillForTheMemberTimeout() {
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		advance(MEMBER_TIMEOUT.minusMillis(1));
		// Read again, but the counter has not moved: not a sign of life
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		assertThat(this.table.expire(this.links::contains)).isEmpty();
		advance(Duration.ofMillis(2));
		assertThat(this.table.expire(this.links::contains)).containsExactly("a");
		assertThat(this.table.members()).isEmpty();
	}

	@Test
	void memberWhoseHeartbeatMovesStays() {
		for (int heartbeat = 1; heartbeat <= 5; heartbeat++) {
			this.table.observe(registration("a", "ws://a", heartbeat), this.links::contains);
			advance(MEMBER_TIMEOUT.minusSeconds(1));
			assertThat(this.table.expire(this.links::contains)).isEmpty();
		}
		assertThat(this.table.members()).containsExactly(new Member("a", "ws://a"));
	}

	@Test
	void memberWithALiveLinkNeverExpires() {
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		this.links.add("a");
		advance(MEMBER_TIMEOUT.multipliedBy(10));
		assertThat(this.table.expire(this.links::contains)).isEmpty();
		this.links.remove("a");
		assertThat(this.table.expire(this.links::contains)).containsExactly("a");
	}

	@Test
	void gossipKeepsAMemberAlive() {
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		for (int i = 0; i < 5; i++) {
			advance(MEMBER_TIMEOUT.minusSeconds(1));
			this.table.receiveGossip("peer", gossipOf(new Registration("a", "ws://a", -1)), this.links::contains);
			assertThat(this.table.expire(this.links::contains)).isEmpty();
		}
		advance(MEMBER_TIMEOUT.plusMillis(1));
		assertThat(this.table.expire(this.links::contains)).containsExactly("a");
	}

	@Test
	void gossipOfThisNodeTellsTheLinkedMembers() {
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		this.table.observe(registration("b", "ws://b", 1), this.links::contains);
		Registration self = registration("local", "ws://local", 7);
		assertThat(this.table.gossip(self, this.links::contains)).isNull();
		this.links.add("b");
		String gossip = this.table.gossip(self, this.links::contains);
		MemberTable other = new MemberTable("other", MEMBER_TIMEOUT, DEPARTED_MEMORY, this.clock::get);
		other.receiveGossip("local", gossip, (id) -> false);
		assertThat(other.members()).containsExactly(new Member("local", "ws://local"), new Member("b", "ws://b"));
	}

	@Test
	void gossipAboutThisNodeIsIgnored() {
		this.table.receiveGossip("peer", gossipOf(new Registration("local", "ws://local", -1)), this.links::contains);
		assertThat(this.table.members()).isEmpty();
	}

	@Test
	void departedMemberIsNotResurrectedByGossipOrTheCacheUntilTheDepartedMemoryPasses() {
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		assertThat(this.table.left("a")).isEqualTo("ws://a");
		advance(DEPARTED_MEMORY.minusMillis(1));
		this.table.observe(registration("a", "ws://a", 2), this.links::contains);
		this.table.receiveGossip("peer", gossipOf(new Registration("a", "ws://a", -1)), this.links::contains);
		assertThat(this.table.members()).isEmpty();
		assertThat(this.table.isDeparted("a")).isTrue();
		advance(Duration.ofMillis(2));
		assertThat(this.table.isDeparted("a")).isFalse();
		this.table.observe(registration("a", "ws://a", 3), this.links::contains);
		assertThat(this.table.members()).containsExactly(new Member("a", "ws://a"));
	}

	@Test
	void liveLinkTakesADepartedMemberBack() {
		this.table.left("a");
		assertThat(this.table.linked("a", "ws://a", this.links::contains)).isEmpty();
		assertThat(this.table.isDeparted("a")).isFalse();
		assertThat(this.table.members()).containsExactly(new Member("a", "ws://a"));
	}

	@Test
	void restartedIncarnationReplacesTheOldOneWithoutALiveLink() {
		this.table.observe(registration("old", "ws://a", 1), this.links::contains);
		assertThat(this.table.observe(registration("new", "ws://a", 1), this.links::contains)).containsExactly("old");
		assertThat(this.table.members()).containsExactly(new Member("new", "ws://a"));
		// Its registration may still be in the cache: it does not come back from there
		this.table.observe(registration("old", "ws://a", 2), this.links::contains);
		assertThat(this.table.members()).containsExactly(new Member("new", "ws://a"));
	}

	@Test
	void incarnationWithALiveLinkIsNotReplaced() {
		this.table.observe(registration("old", "ws://a", 1), this.links::contains);
		this.links.add("old");
		assertThat(this.table.observe(registration("new", "ws://a", 1), this.links::contains)).isEmpty();
		this.links.add("new");
		assertThat(this.table.linked("newer", "ws://a", this.links::contains)).isEmpty();
		this.links.add("newer");
		assertThat(this.table.receiveGossip("peer", gossipOf(new Registration("newest", "ws://a", -1)),
				this.links::contains))
			.isEmpty();
		assertThat(this.table.members()).extracting(Member::id).containsExactly("old", "new", "newer", "newest");
	}

	@Test
	void restartedIncarnationReplacesTheOldOneWhenItLinksOrIsGossipedAbout() {
		this.table.observe(registration("first", "ws://a", 1), this.links::contains);
		assertThat(this.table.linked("second", "ws://a", this.links::contains)).containsExactly("first");
		assertThat(this.table.receiveGossip("peer", gossipOf(new Registration("third", "ws://a", -1)),
				this.links::contains))
			.containsExactly("second");
		assertThat(this.table.members()).containsExactly(new Member("third", "ws://a"));
	}

	@Test
	void malformedOrNullGossipIsIgnored() {
		this.table.observe(registration("a", "ws://a", 1), this.links::contains);
		for (String gossip : List.of("{not json", "null", "42", "[null, {\"id\":null,\"name\":\"ws://x\"},"
				+ " {\"id\":\"x\"}, {\"name\":\"ws://y\"}]")) {
			assertThat(this.table.receiveGossip("peer", gossip, this.links::contains)).as(gossip).isEmpty();
		}
		assertThat(this.table.members()).containsExactly(new Member("a", "ws://a"));
	}

	private void advance(Duration duration) {
		this.clock.addAndGet(duration.toNanos());
	}

	private static Registration registration(String id, String name, long heartbeat) {
		return new Registration(id, name, heartbeat);
	}

	private static String gossipOf(Registration... registrations) {
		return JsonMapper.shared().writeValueAsString(List.of(registrations));
	}

}
