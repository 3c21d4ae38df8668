package io.socketbox.spring;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Figures of the link between this node and another member, from
 * {@link SocketBoxCluster#getMemberStatistics()}.
 *
 * @param id the node id of the member
 * @param name the node name of the member
 * @param link the state of the link to it
 * @param heartbeatRoundTrip the round-trip time of the last periodic heartbeat that the
 * member answered, measured on this node's clock, or {@code null} if none was answered
 * yet
 * @param resendBufferBytes how many bytes of messages for the member wait in its resend
 * buffer: not yet sent, or sent and not yet acknowledged
 */
public record ClusterMemberStatistics(String id, String name, ClusterMember.LinkState link,
		@Nullable Duration heartbeatRoundTrip, long resendBufferBytes) {

}
