package dev.mandate.core.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.MandateException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SpiffeIdTest {
    @ParameterizedTest
    @ValueSource(strings = {"spiffe://mandate.local/agent/support-bot", "spiffe://example.org/a/b.c/d_e-f"})
    void validIdsRoundTrip(String text) {
        assertThat(SpiffeId.parse(text)).hasToString(text);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://mandate.local/agent/x",
                "spiffe://mandate.local",
                "spiffe://Mandate.local/agent/x",
                "spiffe://mandate.local/agent/../x",
                "spiffe://mandate.local/agent//x",
                "spiffe://mandate.local/agent/x?y=1",
                "spiffe://mandate.local:8443/agent/x"
            })
    void invalidIdsAreRefusedNamingTheValue(String text) {
        assertThatThrownBy(() -> SpiffeId.parse(text))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("invalid SPIFFE ID");
    }
}
