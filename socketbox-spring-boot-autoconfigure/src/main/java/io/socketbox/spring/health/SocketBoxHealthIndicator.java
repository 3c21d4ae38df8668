package io.socketbox.spring.health;

import java.util.List;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import io.socketbox.spring.ClusterMember;
import io.socketbox.spring.SocketBoxCluster;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The health of a SocketBox node: {@link Status#OUT_OF_SERVICE} from the moment the node
 * stops accepting browsers on a graceful stop, so that a load balancer sends it no new
 * browser; {@link #DEGRADED} while the link to a known member is not up or the shared
 * cache cannot be reached (the node still serves its browsers, and messages for a member
 * without a link wait in its resend buffer); {@link Status#UP} otherwise. The details name
 * this node, each member with the state of its link and, in cluster mode, whether the
 * cache is reachable.
 */
public class SocketBoxHealthIndicator extends AbstractHealthIndicator {

	/**
	 * The status of a node that serves its browsers while a member's link is not up or the
	 * shared cache is unreachable. Spring Boot's default status order does not know it, so
	 * it does not change the aggregate status of {@code /actuator/health}.
	 */
	public static final Status DEGRADED = new Status("DEGRADED");

	private final SocketBoxCluster cluster;

	private final BooleanSupplier acceptingBrowsers;

	private final @Nullable BooleanSupplier cacheReachable;

	/**
	 * Create an indicator.
	 * @param cluster the cluster as this node sees it
	 * @param acceptingBrowsers whether the browser endpoint accepts new browsers: false
	 * while the node drains on a graceful stop
	 * @param cacheReachable whether the shared cache answered the last refresh, or
	 * {@code null} for a single node
	 */
	public SocketBoxHealthIndicator(SocketBoxCluster cluster, BooleanSupplier acceptingBrowsers,
			@Nullable BooleanSupplier cacheReachable) {
		super("SocketBox health check failed");
		this.cluster = cluster;
		this.acceptingBrowsers = acceptingBrowsers;
		this.cacheReachable = cacheReachable;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		List<ClusterMember> members = this.cluster.getMembers();
		boolean accepting = this.acceptingBrowsers.getAsBoolean();
		Boolean cache = (this.cacheReachable != null) ? this.cacheReachable.getAsBoolean() : null;
		boolean allLinked = members.stream().allMatch((member) -> member.link() == ClusterMember.LinkState.UP);
		if (!accepting) {
			builder.outOfService();
		}
		else if (!allLinked || Boolean.FALSE.equals(cache)) {
			builder.status(DEGRADED);
		}
		else {
			builder.up();
		}
		builder.withDetail("nodeId", this.cluster.getNodeId())
			.withDetail("nodeName", this.cluster.getNodeName())
			.withDetail("acceptingBrowsers", accepting);
		if (this.cluster.isEnabled()) {
			if (cache != null) {
				builder.withDetail("cache", cache ? "reachable" : "unreachable");
			}
			builder.withDetail("members", members);
		}
	}

}
