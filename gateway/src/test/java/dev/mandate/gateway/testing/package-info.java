/**
 * In-process MCP upstream servers for tests, shared with the app module's tests through gateway's test-jar (a package
 * of its own, so that it does not split the gateway module's packages).
 */
@NullMarked
package dev.mandate.gateway.testing;

import org.jspecify.annotations.NullMarked;
