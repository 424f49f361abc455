/**
 * Credential leases on JDBC: the lease store behind core's {@code LeaseStore} port, and the backends that speak SQL to
 * the systems they issue credentials for: PostgreSQL dynamic roles and PostgreSQL password rotation for shared
 * accounts.
 */
@NullMarked
package dev.mandate.store.credential;

import org.jspecify.annotations.NullMarked;
