/**
 * The HTTP server of a Mandate node: Javalin on Jetty 12 with virtual threads, the health and readiness probes, the
 * admin-token guard of the REST control plane, the one mapping from {@code MandateException} codes to JSON error
 * answers, and direct routes: hot endpoints served by a Jetty core handler ahead of Javalin's servlet stack.
 */
@NullMarked
package dev.mandate.app.http;

import org.jspecify.annotations.NullMarked;
