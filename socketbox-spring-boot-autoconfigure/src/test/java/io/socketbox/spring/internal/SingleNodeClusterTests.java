package io.socketbox.spring.internal;

import org.junit.jupiter.api.Test;

import io.socketbox.spring.ClusterManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SingleNodeCluster}.
 */
class SingleNodeClusterTests {

	private final LocalNode localNode = new LocalNode(() -> "ws://127.0.0.1:1/socketbox/cluster");

	private final SingleNodeCluster cluster = new SingleNodeCluster(this.localNode);

	@Test
	void aNodeThatRunsAloneIsAlwaysManagerWithTokenOne() {
		assertThat(this.cluster.isEnabled()).isFalse();
		assertThat(this.cluster.getMembers()).isEmpty();
		assertThat(this.cluster.isManager()).isTrue();
		assertThat(this.cluster.getManager()).contains(new ClusterManager(this.localNode.getId(), 1));
	}

}
