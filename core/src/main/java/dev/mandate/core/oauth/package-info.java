/**
 * OAuth 2.0 for mandates: token exchange (RFC 8693) from a workload identity to a mandate token and from a mandate
 * token to a delegated child, mandate tokens as JWT access tokens (RFC 9068) bound by DPoP (RFC 9449), the DPoP
 * proof verifier that resource servers reuse, introspection (RFC 7662), and the OAuth error names (RFC 6749, 8693,
 * 9396, 9449) that failures map to.
 */
@NullMarked
package dev.mandate.core.oauth;

import org.jspecify.annotations.NullMarked;
