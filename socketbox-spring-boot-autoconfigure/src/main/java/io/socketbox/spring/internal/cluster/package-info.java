/**
 * Internal; not an API.
 */
@NullMarked
package io.socketbox.spring.internal.cluster;

import org.jspecify.annotations.NullMarked;
