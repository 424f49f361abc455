package dev.mandate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.core.mandate.LiveCheck;
import org.junit.jupiter.api.Test;

final class MandateRegistryBenchmarkTest {
    @Test
    void theChainIsLiveFourDeepAndTheCascadeEndsTheWholeTree() {
        MandateRegistryBenchmark.Chain chain = new MandateRegistryBenchmark.Chain();
        chain.setUp();
        MandateRegistryBenchmark benchmark = new MandateRegistryBenchmark();
        assertThat(benchmark.checkLiveAtDepthFour(chain)).isEqualTo(LiveCheck.LIVE);
        assertThat(chain.registry.find(chain.leaf).orElseThrow().depth()).isEqualTo(4);

        MandateRegistryBenchmark.Tree tree = new MandateRegistryBenchmark.Tree();
        tree.setUp();
        assertThat(benchmark.cascadeRevokeOfTenThousand(tree)).isEqualTo(10_001);
        assertThat(tree.registry.checkLive(tree.root)).isNotEqualTo(LiveCheck.LIVE);
    }
}
