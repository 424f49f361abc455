/**
 * Just-in-time credentials for upstream calls: the gateway holds one lease per mandate and upstream, issued by the
 * core lease manager, renewed before it expires and recorded as used on every injection, so that agents never hold a
 * downstream credential and the credential dies with the mandate.
 */
@NullMarked
package dev.mandate.gateway.credential;

import org.jspecify.annotations.NullMarked;
