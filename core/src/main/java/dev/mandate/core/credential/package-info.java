/**
 * Just-in-time credentials: the lease manager that issues, renews, expires and revokes per-task leases (persisting each
 * lease before its secret exists, revoking at the backend on expiry, retrying failed revocations with backoff and
 * restoring its timers at start-up), the storage port it writes through, and the backend SPI with the backends that
 * need no SQL: exclusive check-out of legacy shared secrets and signed downstream tokens.
 */
@NullMarked
package dev.mandate.core.credential;

import org.jspecify.annotations.NullMarked;
