/**
 * Evaluation of Cedar expressions with Cedar's exact semantics: short-circuit logic, typed operators that
 * error instead of coercing, overflow-checked arithmetic, entity hierarchy and tag lookups, and the
 * extension functions.
 */
@NullMarked
package dev.mandate.cedar.internal.eval;

import org.jspecify.annotations.NullMarked;
