/**
 * The STOMP server of the benchmark's scenario 10, one process per node.
 */
package io.socketbox.benchmarks.stompserver;
