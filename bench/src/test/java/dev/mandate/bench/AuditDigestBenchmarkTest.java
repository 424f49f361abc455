package dev.mandate.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class AuditDigestBenchmarkTest {
    @Test
    void benchmarkComputesARealDigest() {
        assertThat(new AuditDigestBenchmark().digestArguments())
                .startsWith("sha256:")
                .hasSize(7 + 64);
    }
}
