package io.socketbox.spring.internal;

/**
 * {@link OutboxBatchingTests} on Tomcat.
 */
class OutboxBatchingOnTomcatTests extends OutboxBatchingTests {

	@Override
	String server() {
		return "tomcat";
	}

}
