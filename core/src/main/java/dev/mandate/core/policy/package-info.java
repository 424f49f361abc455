/**
 * Mandate's facade over the Cedar engine: the MCP-to-Cedar mapping (each upstream tool an action in action groups from
 * its catalog labels, the upstream server the resource, the agent the principal, Mandate's mandate, flow, approval,
 * history, tool and destination facts in the context), the Cedar schema generated from the catalog and the tool
 * lists, the hot-reloading store of policy files, and decisions with obligations read from policy annotations.
 */
@NullMarked
package dev.mandate.core.policy;

import org.jspecify.annotations.NullMarked;
