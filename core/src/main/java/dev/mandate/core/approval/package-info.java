/**
 * Approvals of single calls: a denial by an {@code @approval} policy creates one, bound to the mandate, the tool, the
 * canonical argument digest, the policy-set version and an expiry; an approver approves or denies it; the identical
 * call then passes exactly once. Storage is a port; the in-memory store is the only one so far (persisting approvals
 * in the {@code store} module is the next step).
 */
@NullMarked
package dev.mandate.core.approval;

import org.jspecify.annotations.NullMarked;
