/**
 * The Cedar-backed {@link dev.mandate.gateway.CallDecider}: declared scope first, then the mandate's call budget and
 * denial bursts (drift), then Mandate's policies through {@code core.policy}, with {@code @approval} denials turned
 * into approvals bound to the exact call and {@code @redact} permits into redact obligations. Also the conversion of
 * MCP JSON (tool arguments, {@code inputSchema}) into Cedar values and types.
 */
@NullMarked
package dev.mandate.gateway.policy;

import org.jspecify.annotations.NullMarked;
