/**
 * Auto-configuration of the SocketBox Micrometer meters.
 */
@NullMarked
package io.socketbox.spring.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
