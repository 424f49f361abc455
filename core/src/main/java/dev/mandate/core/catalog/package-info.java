/**
 * The catalog of what the gateway fronts: for each upstream tool, resource and prompt, the labels its output carries,
 * whether it sends data out of the organisation, destroys things, returns untrusted content or is a store, which
 * arguments policies may see, and the action groups those facts put it in. Unconfigured entries get the most
 * restrictive description; server-provided hints count only for upstreams the configuration trusts.
 */
@NullMarked
package dev.mandate.core.catalog;

import org.jspecify.annotations.NullMarked;
