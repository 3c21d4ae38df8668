/**
 * Micrometer meters of a SocketBox node.
 */
@NullMarked
package io.socketbox.spring.metrics;

import org.jspecify.annotations.NullMarked;
