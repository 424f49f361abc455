/**
 * Leases in the running node: builds the configured credential backends and the lease manager over the store, drives
 * expiry from a scheduler, and serves the {@code /v1/leases} control-plane routes.
 */
@NullMarked
package dev.mandate.app.lease;

import org.jspecify.annotations.NullMarked;
