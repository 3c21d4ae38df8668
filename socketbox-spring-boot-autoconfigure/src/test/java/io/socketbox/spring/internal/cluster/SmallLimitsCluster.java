package io.socketbox.spring.internal.cluster;

/**
 * Base of the properties that run against one two-node cluster with
 * {@link FuzzCluster#SMALL_LIMITS}.
 */
abstract class SmallLimitsCluster extends FuzzClusterProperties {

	@Override
	String[] properties() {
		return FuzzCluster.SMALL_LIMITS;
	}

}
