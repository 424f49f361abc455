package dev.mandate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class AgentDeploymentWorkloadTest {
    @ParameterizedTest
    @ValueSource(ints = {10, 100})
    void bothEnginesDecideEveryRequestAlikeAndTheMixHasAllowsAndDenies(int policies) {
        AgentDeploymentWorkload workload = AgentDeploymentWorkload.of(policies);
        ReferenceCedar reference = new ReferenceCedar(workload, false);
        MandateCedar mandate = new MandateCedar(workload);
        int allowed = 0;
        for (int i = 0; i < AgentDeploymentWorkload.REQUESTS; i++) {
            boolean expected = reference.isAllowed(i);
            assertThat(mandate.isAllowed(i))
                    .as("request %d: %s", i, workload.calls.get(i))
                    .isEqualTo(expected);
            if (expected) {
                allowed++;
            }
        }
        assertThat(allowed).isPositive().isLessThan(AgentDeploymentWorkload.REQUESTS);
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 1000})
    void theSameCountGivesTheSameWorkload(int policies) {
        AgentDeploymentWorkload a = AgentDeploymentWorkload.of(policies);
        AgentDeploymentWorkload b = AgentDeploymentWorkload.of(policies);
        assertThat(a.policies).isEqualTo(b.policies);
        assertThat(a.entitiesJson).isEqualTo(b.entitiesJson);
        assertThat(a.calls).isEqualTo(b.calls);
    }
}
