package io.socketbox.spring.internal.cluster;

import java.io.IOException;
import java.util.List;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;

import io.socketbox.spring.testsupport.HostileFrames;
import io.socketbox.spring.testsupport.Node;
import io.socketbox.spring.testsupport.Node.ConnectedClient;
import io.socketbox.spring.testsupport.RawWebSocket;
import io.socketbox.spring.testsupport.TestNodeApplication;

/**
 * Whatever bytes a browser writes to the browser endpoint of a real two-node cluster
 * after the opening handshake (frames with any opcode, RSV bits, mask and length, invalid
 * UTF-8, fragments out of place, oversized control frames, garbage) hurt nobody but that
 * browser: every other browser keeps receiving, the link between the nodes stays up, and
 * new browsers still connect.
 */
class BrowserFrameProperties extends SmallLimitsCluster {

	@Property(tries = 50, shrinking = ShrinkingMode.OFF)
	void hostileBytesHurtOnlyTheirSender(@ForAll("chunks") List<byte[]> chunks, @ForAll boolean onNodeB)
			throws IOException {
		Node node = onNodeB ? cluster.nodeB() : cluster.nodeA();
		try (RawWebSocket socket = RawWebSocket.open(node.port(), "/ws")) {
			for (byte[] chunk : chunks) {
				if (!socket.write(chunk)) {
					break;
				}
			}
		}
		ConnectedClient newcomer = node.connect(null);
		try {
			cluster.assertUnharmed(newcomer);
		}
		finally {
			newcomer.client().close();
		}
	}

	@Provide
	Arbitrary<List<byte[]>> chunks() {
		return HostileFrames.chunks(TestNodeApplication.BROADCAST_PREFIX);
	}

}
