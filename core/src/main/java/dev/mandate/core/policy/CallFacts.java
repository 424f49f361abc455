package dev.mandate.core.policy;

import dev.mandate.cedar.RecordValue;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.flow.FlowLabels;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything one decision is made from, before it is mapped onto Cedar by {@link CedarMapping}.
 *
 * @param agent the calling agent (the principal)
 * @param mandate the mandate the call is made under
 * @param method the MCP method: {@code tools/call}, {@code resources/read} or {@code prompts/get}; or an upstream's
 *     request to the agent: {@code sampling/createMessage}, {@code elicitation/create}, {@code roots/list}
 * @param action the action id: {@code <server>.<tool>}, {@code <server>.<prompt>} or the resource URI; for an
 *     upstream's request, its method group ({@code sampling}, {@code elicitation}, {@code roots})
 * @param server the upstream server (the resource)
 * @param entry the catalog entry of what is called
 * @param flow the mandate's flow labels before this call
 * @param input the arguments as a Cedar record (typed from the tool's input schema where known)
 * @param approvalGranted whether an approval for exactly this call is at hand
 * @param history what the mandate did before
 * @param destinationHost the host data would be sent to, taken from a {@code url} argument; empty when unknown
 * @param at when the call arrived
 */
public record CallFacts(
        AgentFacts agent,
        MandateFacts mandate,
        String method,
        String action,
        String server,
        CatalogEntry entry,
        FlowLabels flow,
        RecordValue input,
        boolean approvalGranted,
        CallHistory history,
        String destinationHost,
        Instant at) {
    /** The longest action id accepted. */
    public static final int MAX_ACTION_LENGTH = 2048;

    /** Checks that everything is present and the action is bounded. */
    public CallFacts {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(mandate, "mandate");
        Objects.requireNonNull(entry, "entry");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(at, "at");
        if (action.isEmpty() || action.length() > MAX_ACTION_LENGTH || server.isEmpty()) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "invalid action '" + action + "' on server '" + server + "': both non-empty, action at most "
                            + MAX_ACTION_LENGTH + " characters");
        }
        CedarMapping.methodGroup(method);
    }

    /**
     * Returns the same facts with another approval state.
     *
     * @param granted whether an approval is at hand
     * @return the new facts
     */
    public CallFacts withApprovalGranted(boolean granted) {
        return new CallFacts(
                agent, mandate, method, action, server, entry, flow, input, granted, history, destinationHost, at);
    }
}
