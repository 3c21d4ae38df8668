package io.socketbox.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ClusterJson}, on answers shaped as the sample writes them.
 */
class ClusterJsonTests {

	@Test
	void nodeIdIsTheFirstId() {
		String cluster = "{\"id\":\"mimzq1x2a3b4c5\",\"name\":\"ws://127.0.0.1:1/socketbox/cluster\","
				+ "\"members\":[{\"id\":\"other\",\"link\":\"UP\"}],\"manager\":null,\"isManager\":true}";
		assertThat(ClusterJson.nodeId(cluster)).isEqualTo("mimzq1x2a3b4c5");
		assertThatIllegalArgumentException().isThrownBy(() -> ClusterJson.nodeId("{}"));
	}

	@Test
	void connectionsAreCountedPerNode() {
		String connections = "{\"connections\":[{\"id\":\"a.1\",\"node\":\"a\",\"user\":\"alice\"},"
				+ "{\"id\":\"ab.2\",\"node\":\"ab\",\"user\":null},{\"id\":\"a.3\",\"node\":\"a\",\"user\":null}]}";
		assertThat(ClusterJson.connectionsOf(connections, "a")).isEqualTo(2);
		assertThat(ClusterJson.connectionsOf(connections, "ab")).isEqualTo(1);
		assertThat(ClusterJson.connectionsOf(connections, "b")).isZero();
		assertThat(ClusterJson.connectionsOf("{\"connections\":[]}", "a")).isZero();
	}

	@Test
	void answeredCountsOnlyNodesThatSaidOk() {
		String nodes = "{\"nodes\":[{\"id\":\"a\",\"name\":\"n\",\"connections\":1,\"uptime\":\"PT1S\","
				+ "\"manager\":true,\"status\":\"OK\"},{\"id\":\"b\",\"name\":null,\"connections\":null,"
				+ "\"uptime\":null,\"manager\":null,\"status\":\"TIMED_OUT\"}]}";
		assertThat(ClusterJson.answered(nodes)).isEqualTo(1);
	}

}
