/**
 * The node's decision services over REST: the policy store with its reload timer, {@code POST /v1/authorize} for
 * enforcement points other than the MCP gateway, the generated Cedar schema, and the approvals queue.
 */
@NullMarked
package dev.mandate.app.policy;

import org.jspecify.annotations.NullMarked;
