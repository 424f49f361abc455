/**
 * The tamper-evident audit log: hash-chained events and signed checkpoints, and verification of the chain.
 */
@NullMarked
package dev.mandate.core.audit;

import org.jspecify.annotations.NullMarked;
