package dev.mandate.core.mandate;

import java.util.Set;

/**
 * Told when a mandate's flow labels grew because another replica stored more of them, so that whatever holds the
 * mandate's labels on this node (the gateway's flow state) takes them over: data read through one replica then counts
 * on every replica. Called after the change is in memory, outside the registry's lock, possibly more than once with
 * the same labels.
 */
@FunctionalInterface
public interface FlowLabelsListener {
    /**
     * A mandate's labels grew on another replica.
     *
     * @param mandateId the mandate's id
     * @param labels all its labels now (the union of this node's and the stored ones), as label words
     */
    void flowLabelsGrew(String mandateId, Set<String> labels);
}
