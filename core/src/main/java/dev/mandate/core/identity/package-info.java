/**
 * Workload identity: trust domains and their bundles, the embedded SPIFFE issuer (join tokens, JWT-SVIDs, X.509-SVIDs),
 * and verification of presented identities (JWT-SVID, X.509-SVID, OIDC ID tokens).
 */
@NullMarked
package dev.mandate.core.identity;

import org.jspecify.annotations.NullMarked;
