package io.socketbox.spring.internal;

/**
 * {@link OutboxBatchingProperties} on Tomcat.
 */
class OutboxBatchingPropertiesOnTomcatTests extends OutboxBatchingProperties {

	@Override
	String server() {
		return "tomcat";
	}

}
