package io.socketbox.spring.internal.cluster;

import java.util.Arrays;

import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

import io.socketbox.spring.testsupport.TestServers;

/**
 * Base of the properties that run against one two-node cluster with
 * {@link FuzzCluster#SMALL_LIMITS}, started before the first try of a class and stopped
 * after its last. Shrinking is off in them: a try that breaks the cluster makes every
 * later one fail too, so the first failing sample is the one to report.
 */
abstract class SmallLimitsCluster {

	static FuzzCluster cluster;

	/**
	 * Return the container both nodes run on.
	 * @return {@code tomcat}, unless a subclass runs them on {@code jetty}
	 */
	String server() {
		return "tomcat";
	}

	@BeforeProperty
	void startCluster() {
		if (cluster == null) {
			String[] properties = Arrays.copyOf(FuzzCluster.SMALL_LIMITS, FuzzCluster.SMALL_LIMITS.length + 1);
			properties[properties.length - 1] = TestServers.PROPERTY + "=" + server();
			cluster = FuzzCluster.start(properties);
		}
	}

	@AfterContainer
	static void stopCluster() {
		if (cluster != null) {
			cluster.close();
			cluster = null;
		}
	}

}
