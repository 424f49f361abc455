package dev.mandate.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class ErrorCodeTest {
    @Test
    void wireNamesAreLowerCaseWithDashes() {
        assertThat(ErrorCode.BAD_REQUEST.wireName()).isEqualTo("bad-request");
    }

    @Test
    void exitCodesAreDistinctAndUsable() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::exitCode))
                .doesNotHaveDuplicates()
                .allSatisfy(c -> assertThat(c).isBetween(1, 125));
    }

    @Test
    void exceptionKeepsItsCode() {
        var e = new MandateException(ErrorCode.CONFLICT, "mandate m-1 is closed");
        assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(e).hasMessage("mandate m-1 is closed");
    }
}
