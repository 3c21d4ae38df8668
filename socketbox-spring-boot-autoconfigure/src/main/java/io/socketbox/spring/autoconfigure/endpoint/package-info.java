/**
 * Auto-configuration of the {@code socketbox} Actuator endpoint.
 */
@NullMarked
package io.socketbox.spring.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
