package dev.mandate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class StreamableHttpUpstreamHeaderTest {
    @ParameterizedTest
    @ValueSource(strings = {"Bearer abc.def-ghi_jkl~", "token with spaces\tand a tab", "caf\u00e9", ""})
    void aCredentialAHeaderCanCarryIsSentAsItIs(String value) {
        assertThat(StreamableHttpUpstream.headerValue("Authorization", value)).isEqualTo(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"secret\r\nX-Injected: 1", "secret\n", "secret\u0000", "secret\u007f", "secret\u20ac"})
    void aCredentialWithACharacterAHeaderCannotCarryIsRefusedWithoutPrintingIt(String value) {
        assertThatThrownBy(() -> StreamableHttpUpstream.headerValue("X-Api-Key", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'X-Api-Key'")
                .hasMessageContaining("at index 6")
                .hasMessageContaining("RFC 9110")
                .hasMessageNotContaining("secret");
    }
}
