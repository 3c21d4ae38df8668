package io.socketbox.spring.internal.cluster;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.socketbox.spring.testsupport.ClusterNodes;
import io.socketbox.spring.testsupport.EmbeddedRedisExtension;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.RedisTemplates;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.DataType;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys in a real Redis that hold another data type or garbage are reported as exactly
 * that, repaired or skipped, and never keep a node from joining nor pass for an outage.
 */
@ExtendWith(OutputCaptureExtension.class)
class DiscoveryCacheContentTests {

	private static final String UNREACHABLE = "unreachable";

	private static final AtomicInteger clusters = new AtomicInteger();

	@RegisterExtension
	static final EmbeddedRedisExtension redis = new EmbeddedRedisExtension();

	private String prefix;

	private ClusterNodes nodes;

	private RedisTemplates templates;

	@BeforeEach
	void prepare() {
		this.prefix = "content-" + clusters.incrementAndGet() + ":";
		this.nodes = new ClusterNodes(redis.getPort(), this.prefix, "spring.data.redis.timeout=500ms");
		this.templates = RedisTemplates.connect(redis.getPort());
	}

	@AfterEach
	void stop() {
		this.nodes.close();
		this.templates.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "string", "list", "hash" })
	void nodesJoinWhenMembersKeyHoldsAnotherTypeAndSayWhatItHolds(String type, CapturedOutput output) {
		write(DataType.fromCode(type), membersKey());
		List<Node> two = List.of(this.nodes.start(), this.nodes.start());
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(two));
		assertThat(output.getOut()).contains("Cluster cache key '" + membersKey() + "' holds a " + type
				+ ", expected a set; deleting it and adding this node (")
			.doesNotContain(UNREACHABLE);
		assertThat(redis().type(membersKey())).isEqualTo(DataType.SET);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> redis().opsForSet().members(membersKey()),
					(members) -> members.containsAll(two.stream().map(Node::id).toList()));
	}

	@Test
	void runningNodesReportMembersKeyCorruptedUnderThemAndAThirdNodeJoins(CapturedOutput output) {
		Node first = this.nodes.start();
		Node second = this.nodes.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(List.of(first, second)));
		// Whoever refreshes first repairs the key: corrupt it until each node has met it
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			if (redis().type(membersKey()) != DataType.STRING) {
				redis().opsForValue().set(membersKey(), "corrupted");
			}
			return reportedRepair(output, first) && reportedRepair(output, second);
		});
		Node third = this.nodes.start();
		List<Node> three = List.of(first, second, third);
		await().atMost(Duration.ofSeconds(10)).until(() -> Node.allLinked(three));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> redis().opsForSet().members(membersKey()),
					(members) -> members.containsAll(three.stream().map(Node::id).toList()));
		assertThat(output.getOut()).doesNotContain(UNREACHABLE);
	}

	@Test
	void membersWithUnreadableRegistrationsAreSkippedOnceEachAndOthersJoin(CapturedOutput output) {
		String notJson = "0000-not-json";
		String otherId = "0000-other-id";
		String wrongType = "0000-wrong-type";
		redis().opsForValue().set(memberKey(notJson), "{not json");
		redis().opsForValue()
			.set(memberKey(otherId), "{\"id\":\"someone-else\",\"name\":\"ws://127.0.0.1:1/x\",\"heartbeat\":1}");
		redis().opsForSet().add(memberKey(wrongType), "x");
		List<String> garbage = List.of(notJson, otherId, wrongType);
		addToMembers(garbage);
		List<Node> two = List.of(this.nodes.start(), this.nodes.start());
		// Nodes drop unreadable ids of members they do not know; add them back meanwhile,
		// so that every node meets each of them again and again
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			addToMembers(garbage);
			return Node.allLinked(two);
		});
		List<String> reports = List.of(
				"Cluster cache key '" + memberKey(notJson) + "' holds '{not json', expected a registration",
				"Cluster cache key '" + memberKey(otherId) + "' holds '{\"id\":\"someone-else\"",
				"Cluster cache key '" + memberKey(wrongType) + "' holds a set, expected a string");
		// Each node reports each key once it has met it (a node that drops an id first can
		// hide it from the other's next refresh, so wait for both), and never again
		await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
			addToMembers(garbage);
			return reports.stream().allMatch((report) -> countOf(output.getOut(), report) >= 2);
		});
		await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
			addToMembers(garbage);
			return Node.allLinked(two) && two.stream().allMatch((node) -> node.memberIds().size() == 1);
		});
		String out = output.getOut();
		for (String report : reports) {
			assertThat(countOf(out, report)).as("once per node: %s", report).isEqualTo(2);
		}
		assertThat(out).contains("; skipping that member").doesNotContain(UNREACHABLE);
	}

	private boolean reportedRepair(CapturedOutput output, Node node) {
		return output.getOut().contains("Cluster cache key '" + membersKey()
				+ "' holds a string, expected a set; deleting it and adding this node (" + node.id() + ") again");
	}

	private void addToMembers(List<String> ids) {
		redis().opsForSet().add(membersKey(), ids.toArray(String[]::new));
	}

	private void write(DataType type, String key) {
		switch (type) {
			case STRING -> redis().opsForValue().set(key, "not a set");
			case LIST -> redis().opsForList().leftPush(key, "not a set");
			case HASH -> redis().opsForHash().put(key, "not", "a set");
			default -> throw new IllegalArgumentException(type.name());
		}
	}

	private StringRedisTemplate redis() {
		return this.templates.template();
	}

	private String membersKey() {
		return this.prefix + "socketbox:members";
	}

	private String memberKey(String id) {
		return this.prefix + "socketbox:member:" + id;
	}

	private static int countOf(String text, String fragment) {
		Matcher matcher = Pattern.compile(Pattern.quote(fragment)).matcher(text);
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}
