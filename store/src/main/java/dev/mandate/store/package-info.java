/**
 * The JDBC store: a pooled connection to embedded H2 (the default, a file under the data directory) or PostgreSQL
 * (scale-out), migrated by Flyway from one migration set, and the implementations of core's storage ports on it.
 */
@NullMarked
package dev.mandate.store;

import org.jspecify.annotations.NullMarked;
