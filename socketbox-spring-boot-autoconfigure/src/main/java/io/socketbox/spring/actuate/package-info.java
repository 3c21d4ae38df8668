/**
 * The {@code socketbox} Actuator endpoint.
 */
@NullMarked
package io.socketbox.spring.actuate;

import org.jspecify.annotations.NullMarked;
