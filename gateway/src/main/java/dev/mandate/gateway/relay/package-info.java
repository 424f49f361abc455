/**
 * The tool side of the gateway and the enforcement pipeline between the two sides: connections to upstream MCP
 * servers (Streamable HTTP and stdio, through the MCP Java SDK), namespacing, filtered lists, and for each call the
 * decision, the forward, the flow labels, the obligations and the audit record.
 */
@NullMarked
package dev.mandate.gateway.relay;

import org.jspecify.annotations.NullMarked;
