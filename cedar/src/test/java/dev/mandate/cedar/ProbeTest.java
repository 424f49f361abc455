package dev.mandate.cedar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class ProbeTest {
    @Test
    void lengthOfNullIsZero() {
        assertThat(Probe.len(null)).isZero();
    }
}
