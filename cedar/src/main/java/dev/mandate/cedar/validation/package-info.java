/**
 * The Cedar policy validator: type-checks every policy of a set against a schema, once per request
 * environment (action with one of its principal and resource types) the policy's scope admits, and reports
 * each problem with the policy id, its source position and a stable error code, so a mistyped policy is
 * refused before it goes live instead of erroring (and being skipped) at authorization time.
 */
@NullMarked
package dev.mandate.cedar.validation;

import org.jspecify.annotations.NullMarked;
