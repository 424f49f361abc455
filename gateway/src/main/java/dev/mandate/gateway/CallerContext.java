package dev.mandate.gateway;

import dev.mandate.core.flow.FlowState;
import java.util.Objects;

/**
 * Who is calling, as the {@link CallAuthenticator} established it for one HTTP request.
 *
 * @param agentId the agent's identity, e.g. its SPIFFE ID
 * @param mandateId the mandate the call is made under
 * @param flow the mandate's flow labels; results of this call are added to it
 */
public record CallerContext(String agentId, String mandateId, FlowState flow) {
    /** Checks that the fields are present. */
    public CallerContext {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(mandateId, "mandateId");
        Objects.requireNonNull(flow, "flow");
    }
}
