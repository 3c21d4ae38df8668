/**
 * The browser side of a node; internal to SocketBox, not an API, and may change in any release.
 */
@NullMarked
package io.socketbox.spring.internal;

import org.jspecify.annotations.NullMarked;
