/**
 * Shared caches that cluster nodes register in and discover each other through.
 */
@NullMarked
package io.socketbox.spring.cache;

import org.jspecify.annotations.NullMarked;
