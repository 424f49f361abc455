package dev.mandate.gateway;

import dev.mandate.core.flow.FlowState;
import dev.mandate.core.flow.Sensitivity;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who is calling, as the {@link CallAuthenticator} established it for one HTTP request.
 *
 * @param agentId the agent's identity, e.g. its SPIFFE ID
 * @param mandateId the mandate the call is made under
 * @param flow the mandate's flow labels; results of this call are added to it
 * @param clearance the clearance of the principal the mandate acts for: results above it are withheld from the agent;
 *     null when the mandate acts for nobody (then only policies limit what it reads)
 */
public record CallerContext(
        String agentId,
        String mandateId,
        FlowState flow,
        @Nullable Sensitivity clearance) {
    /** Checks that the fields are present. */
    public CallerContext {
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(mandateId, "mandateId");
        Objects.requireNonNull(flow, "flow");
    }

    /**
     * Creates the context of a mandate that acts for nobody.
     *
     * @param agentId the agent's identity
     * @param mandateId the mandate
     * @param flow the mandate's flow labels
     */
    public CallerContext(String agentId, String mandateId, FlowState flow) {
        this(agentId, mandateId, flow, null);
    }

    /**
     * Whether data of this sensitivity must be withheld from the agent.
     *
     * @param sensitivity what the data is labelled
     * @return true if it is above the clearance
     */
    public boolean above(Sensitivity sensitivity) {
        Sensitivity c = clearance;
        return c != null && sensitivity.compareTo(c) > 0;
    }
}
