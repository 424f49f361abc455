package dev.mandate.core.posture;

import dev.mandate.core.access.AccessTarget;
import dev.mandate.core.credential.Lease;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.mandate.Mandate;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a posture scan reads, gathered by the caller from the node's registries.
 *
 * @param agents every registered agent
 * @param inactiveOwners owners known to be inactive (people who left, teams dissolved); an owner that names a disabled
 *     agent counts as inactive too
 * @param mandates the live mandates
 * @param leases the live leases ({@code active} and {@code revoking})
 * @param sharedSecretLeases leases of shared-secret backends, in any state, as far back as the caller looked
 * @param activity what the audit log says agents did recently
 * @param targets the catalogued targets the access analysis covers
 */
public record PostureInputs(
        List<Agent> agents,
        Set<String> inactiveOwners,
        List<Mandate> mandates,
        List<Lease> leases,
        List<Lease> sharedSecretLeases,
        AgentActivity activity,
        List<AccessTarget> targets) {
    /** Copies the collections. */
    public PostureInputs {
        agents = List.copyOf(agents);
        inactiveOwners = Set.copyOf(inactiveOwners);
        mandates = List.copyOf(mandates);
        leases = List.copyOf(leases);
        sharedSecretLeases = List.copyOf(sharedSecretLeases);
        Objects.requireNonNull(activity, "activity");
        targets = List.copyOf(targets);
    }
}
