/**
 * The HTTP server of a Mandate node: Javalin on Jetty 12 with virtual threads, the health and readiness probes, the
 * admin-token guard of the REST control plane, and the one mapping from {@code MandateException} codes to JSON error
 * answers.
 */
@NullMarked
package dev.mandate.app.http;

import org.jspecify.annotations.NullMarked;
