package io.socketbox.spring.internal;

/**
 * {@link ReadLivenessTests} on Tomcat, whose pings a task writes with a blocking send.
 */
class ReadLivenessOnTomcatTests extends ReadLivenessTests {

	@Override
	String server() {
		return "tomcat";
	}

}
