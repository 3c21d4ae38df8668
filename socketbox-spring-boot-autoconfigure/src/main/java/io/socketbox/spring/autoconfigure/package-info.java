/**
 * Auto-configuration for SocketBox.
 */
@NullMarked
package io.socketbox.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
