/**
 * Auto-configuration of the SocketBox health indicator.
 */
@NullMarked
package io.socketbox.spring.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
