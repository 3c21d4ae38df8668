package io.socketbox.spring.internal.cluster;

import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Base of the properties that run against one two-node cluster with
 * {@link FuzzCluster#SMALL_LIMITS}, started once for all tries of a class. Shrinking is
 * off in them: a try that breaks the cluster makes every later one fail too, so the
 * first failing sample is the one to report.
 */
abstract class SmallLimitsCluster {

	static FuzzCluster cluster;

	@BeforeContainer
	static void startCluster() {
		cluster = FuzzCluster.start(FuzzCluster.SMALL_LIMITS);
	}

	@AfterContainer
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
			cluster = null;
		}
	}

}
