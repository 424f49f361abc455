/**
 * {@code mandate demo}: a node on embedded defaults in a fresh data directory, built-in sample tool servers (tickets,
 * a customer database on a real PostgreSQL, documents, an outbound webhook), a sample OIDC issuer, sample Cedar
 * policies, and a scripted agent that walks through the lethal trifecta, an approval bound to one call, laundering
 * through a sub-agent, a search on a person's behalf that withholds what she may not read, credentials revoked with
 * the task, the kill switch and the audit chain — every step narrated with its decision.
 */
@NullMarked
package dev.mandate.app.demo;

import org.jspecify.annotations.NullMarked;
