/**
 * A load generator that drives the SocketBox sample cluster and Socket.IO with its Redis adapter side by side.
 */
package io.socketbox.benchmarks;
