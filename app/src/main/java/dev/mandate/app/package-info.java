/**
 * The {@code mandate} executable: the command line, configuration, the composition root that wires every module by
 * hand, and the HTTP server (REST control plane, OAuth endpoints, JWKS, MCP endpoint, console, metrics).
 */
@NullMarked
package dev.mandate.app;

import org.jspecify.annotations.NullMarked;
