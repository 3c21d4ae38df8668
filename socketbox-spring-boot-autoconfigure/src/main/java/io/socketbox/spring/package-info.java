/**
 * The SocketBox API: the handler base class, connections and cluster-wide messaging.
 */
@NullMarked
package io.socketbox.spring;

import org.jspecify.annotations.NullMarked;
