/**
 * Mandates: task-scoped authority that is opened by token exchange, delegated only downward, renewed by heartbeat,
 * closed with its task and revoked with its whole delegation subtree; validity checks are in memory.
 */
@NullMarked
package dev.mandate.core.mandate;

import org.jspecify.annotations.NullMarked;
