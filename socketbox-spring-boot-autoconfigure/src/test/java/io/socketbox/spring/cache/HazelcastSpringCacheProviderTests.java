package io.socketbox.spring.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spring.cache.HazelcastCacheManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.cache.Cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SpringCacheProvider} over a distributed cache: two embedded Hazelcast
 * members in this JVM, each with its own Spring {@link HazelcastCacheManager}. The
 * contract runs on the first member's cache; the other tests write through one member
 * and read through the other.
 */
class HazelcastSpringCacheProviderTests extends CacheProviderContractTests {

	private static HazelcastInstance member1;

	private static HazelcastInstance member2;

	@BeforeAll
	static void startMembers() {
		String clusterName = "socketbox-test-" + UUID.randomUUID();
		member1 = Hazelcast.newHazelcastInstance(config(clusterName));
		member2 = Hazelcast.newHazelcastInstance(config(clusterName));
		await().until(() -> member1.getCluster().getMembers().size() == 2);
	}

	@AfterAll
	static void stopMembers() {
		if (member2 != null) {
			member2.shutdown();
		}
		if (member1 != null) {
			member1.shutdown();
		}
	}

	private static Config config(String clusterName) {
		Config config = new Config();
		config.setClusterName(clusterName);
		config.setProperty("hazelcast.phone.home.enabled", "false");
		config.setProperty("hazelcast.wait.seconds.before.join", "0");
		config.getJetConfig().setEnabled(false);
		NetworkConfig network = config.getNetworkConfig();
		network.setPort(5701).setPortAutoIncrement(true).setPortCount(100);
		network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
		JoinConfig join = network.getJoin();
		join.getMulticastConfig().setEnabled(false);
		join.getAutoDetectionConfig().setEnabled(false);
		join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
		return config;
	}

	private static SpringCacheProvider provider(HazelcastInstance member) {
		Cache cache = new HazelcastCacheManager(member).getCache("socketbox");
		assertThat(cache).isNotNull();
		return new SpringCacheProvider(cache);
	}

	@Override
	protected CacheProvider createProvider() {
		return provider(member1);
	}

	@Override
	protected boolean atomicSets() {
		return false;
	}

	@Override
	protected boolean corruptSet(String key) {
		member2.getMap("socketbox").put(key, 42);
		return true;
	}

	@Override
	protected boolean corruptValue(String key) {
		member2.getMap("socketbox").put(key, new ArrayList<>(List.of("x")));
		return true;
	}

	@Test
	void valueWrittenThroughOneMemberIsReadThroughTheOther() {
		SpringCacheProvider node1 = provider(member1);
		SpringCacheProvider node2 = provider(member2);
		node1.set("socketbox:member:1", "{\"id\":\"1\"}");
		try {
			assertThat(node2.get("socketbox:member:1")).isEqualTo("{\"id\":\"1\"}");
			node2.clear("socketbox:member:1");
			assertThat(node1.get("socketbox:member:1")).isNull();
		}
		finally {
			node1.clear("socketbox:member:1");
		}
	}

	@Test
	void compareAndSetThroughOneMemberComparesWithValueWrittenThroughTheOther() {
		SpringCacheProvider node1 = provider(member1);
		SpringCacheProvider node2 = provider(member2);
		try {
			assertThat(node1.compareAndSet("socketbox:manager", null, "1")).isTrue();
			assertThat(node2.compareAndSet("socketbox:manager", null, "2")).isFalse();
			assertThat(node2.compareAndSet("socketbox:manager", "1", "2")).isTrue();
			assertThat(node1.compareAndSet("socketbox:manager", "1", "3")).isFalse();
			assertThat(node1.clearIfEquals("socketbox:manager", "2")).isTrue();
			assertThat(node2.get("socketbox:manager")).isNull();
		}
		finally {
			node1.clear("socketbox:manager");
		}
	}

	@Test
	void membersAddedThroughBothMembersAreSeenByBoth() {
		SpringCacheProvider node1 = provider(member1);
		SpringCacheProvider node2 = provider(member2);
		try {
			node1.addMember("socketbox:members", "1");
			node2.addMember("socketbox:members", "2");
			assertThat(node1.members("socketbox:members")).containsExactlyInAnyOrder("1", "2");
			node1.removeMember("socketbox:members", "2");
			assertThat(node2.members("socketbox:members")).containsExactly("1");
		}
		finally {
			node1.clear("socketbox:members");
		}
	}

}
