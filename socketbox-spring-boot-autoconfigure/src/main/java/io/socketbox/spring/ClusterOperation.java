package io.socketbox.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a bean as an operation that any node of the cluster may call by name
 * through {@link ClusterOperations}.
 * <p>
 * The arguments and the return value cross the network as JSON, written and read with
 * the application's {@code JsonMapper} against the method's declared (generic) parameter
 * types. The method runs on a SocketBox thread, never on the thread that received the
 * request; it may return a {@link java.util.concurrent.CompletionStage}, whose value is
 * then the result. Whatever it throws reaches the caller as a
 * {@link ClusterCallResult.Status#FAILED FAILED} result with the exception's class and
 * message. A method of a proxied bean is invoked through the proxy, so that
 * transactions, security and other advice apply.
 * <p>
 * The name must not be blank and must be unique in the application: a duplicate fails
 * the start with a message naming both methods.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClusterOperation {

	/**
	 * The name by which callers address the operation, the same on every node.
	 * @return the operation name
	 */
	String value();

}
