/**
 * Mandate's own signing keys: the rotating key set that signs mandate tokens, SVIDs and audit checkpoints, and its
 * public JWKS.
 */
@NullMarked
package dev.mandate.core.keys;

import org.jspecify.annotations.NullMarked;
