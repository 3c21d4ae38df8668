/**
 * The parts of sessions that know no connection: resume tokens, the history of
 * broadcasts, the buffer of a session's own messages and the frames of the
 * {@code socketbox.v1} subprotocol. Internal to SocketBox: may change in any release.
 */
@NullMarked
package io.socketbox.spring.internal.session;

import org.jspecify.annotations.NullMarked;
