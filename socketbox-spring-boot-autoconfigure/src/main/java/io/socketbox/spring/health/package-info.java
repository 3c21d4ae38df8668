/**
 * Health of a SocketBox node for Spring Boot's Actuator.
 */
@NullMarked
package io.socketbox.spring.health;

import org.jspecify.annotations.NullMarked;
