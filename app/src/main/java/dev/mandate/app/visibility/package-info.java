/**
 * Visibility over HTTP and in metrics: who can access what and why ({@code GET /v1/access},
 * {@code GET /v1/agents/{name}/access}), posture findings ({@code GET /v1/posture}), and the measured time from a
 * revocation command to every in-process enforcement point denying, with decision and audit-write latency.
 */
@NullMarked
package dev.mandate.app.visibility;

import org.jspecify.annotations.NullMarked;
