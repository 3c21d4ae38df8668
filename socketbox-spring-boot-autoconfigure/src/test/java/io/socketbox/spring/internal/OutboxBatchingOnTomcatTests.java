package io.socketbox.spring.internal;

/**
 * {@link OutboxBatchingTests} on Tomcat.
 */
class OutboxBatchingOnTomcatTests extends OutboxBatchingTests {

	@Override
	Class<? extends TextSender> sender() {
		return TextSender.JakartaTextSender.class;
	}

	@Override
	String server() {
		return "tomcat";
	}

}
