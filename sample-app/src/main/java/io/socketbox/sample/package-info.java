/**
 * A clustered chat that shows SocketBox at work.
 */
@NullMarked
package io.socketbox.sample;

import org.jspecify.annotations.NullMarked;
