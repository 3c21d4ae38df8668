package io.socketbox.spring.internal.cluster;

import java.util.ArrayList;
import java.util.List;

import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeProperty;

import io.socketbox.spring.testsupport.TestServers;

/**
 * Base of the properties that run against one {@link FuzzCluster}, started before the
 * first try of a class and stopped after its last. Shrinking is off in them: a try that
 * breaks the cluster makes every later one fail too, so the first failing sample is the
 * one to report.
 */
abstract class FuzzClusterProperties {

	static FuzzCluster cluster;

	/**
	 * Return the container both nodes run on.
	 * @return {@code tomcat}, unless a subclass runs them on {@code jetty}
	 */
	String server() {
		return "tomcat";
	}

	/**
	 * Return the properties of both nodes, beside their container.
	 * @return none, unless a subclass sets some
	 */
	String[] properties() {
		return new String[0];
	}

	@BeforeProperty
	void startCluster() {
		if (cluster == null) {
			List<String> properties = new ArrayList<>(List.of(properties()));
			properties.add(TestServers.PROPERTY + "=" + server());
			cluster = FuzzCluster.start(properties.toArray(String[]::new));
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
