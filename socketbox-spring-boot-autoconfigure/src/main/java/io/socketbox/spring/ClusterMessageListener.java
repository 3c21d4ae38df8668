package io.socketbox.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method of a singleton bean as a listener for messages that other nodes
 * publish with {@link ClusterMessages}.
 * <p>
 * The method returns {@code void} and takes the message as its first parameter,
 * optionally followed by a {@code String} that receives the id of the node that
 * published it. The first parameter's class names the messages it receives: a message
 * published as an instance of exactly that class (its {@link Class#getName() name}
 * travels with the message). It must be a concrete class, such as a record, or an
 * array; an interface, an abstract class, {@code Object} or a primitive fails the start,
 * since a node reads a message only into a class that one of its listeners declares and
 * never into one that the message names. Several listeners may take the same class; each
 * gets the message, read into an instance of its own.
 * <p>
 * Listeners run on SocketBox threads ({@code socketbox-cluster-message-*}), never on the
 * thread that reads from the network, one message at a time per sending node and in the
 * order that node published them. A listener that throws is logged, and the next
 * messages are delivered as usual. A message of a class that no listener of this node
 * takes, or whose JSON does not fit that class, is skipped (logged at DEBUG level). A
 * method of a proxied bean is invoked through the proxy.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ClusterMessageListener {

}
