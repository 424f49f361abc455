package dev.mandate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.core.MandateException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class ToolNameTest {
    @Test
    void firstDotSeparatesServerFromTool() {
        ToolName name = ToolName.parse("crm.get.customer");
        assertThat(name.server()).isEqualTo("crm");
        assertThat(name.tool()).isEqualTo("get.customer");
        assertThat(name).hasToString("crm.get.customer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "crm", ".tool", "crm.", "c rm.tool"})
    void malformedNamesAreRefused(String text) {
        assertThatThrownBy(() -> ToolName.parse(text))
                .isInstanceOf(MandateException.class)
                .hasMessageContaining("invalid");
    }
}
