package dev.mandate.gateway.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class RedactorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RESULT =
            "{\"structuredContent\":{\"name\":\"Ada\",\"ssn\":\"1\",\"cards\":[{\"pan\":\"4\",\"exp\":\"1\"},{\"pan\":\"5\"}]},"
                    + "\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}";

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "$.structuredContent.ssn|{\"structuredContent\":{\"name\":\"Ada\",\"cards\":[{\"pan\":\"4\",\"exp\":\"1\"},{\"pan\":\"5\"}]},\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}",
                "$.structuredContent.cards[*].pan|{\"structuredContent\":{\"name\":\"Ada\",\"ssn\":\"1\",\"cards\":[{\"exp\":\"1\"},{}]},\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}",
                "$.structuredContent.cards[0]|{\"structuredContent\":{\"name\":\"Ada\",\"ssn\":\"1\",\"cards\":[{\"pan\":\"5\"}]},\"content\":[{\"type\":\"text\",\"text\":\"t\"}]}",
                "$.content[*]|{\"structuredContent\":{\"name\":\"Ada\",\"ssn\":\"1\",\"cards\":[{\"pan\":\"4\",\"exp\":\"1\"},{\"pan\":\"5\"}]},\"content\":[]}",
                "$.nothing.here|" + RESULT
            })
    void removesWhatThePathSelects(String path, String expected) throws Exception {
        JsonNode result = JSON.readTree(RESULT);
        Redactor.redact(result, path);
        assertThat(result).isEqualTo(JSON.readTree(expected));
    }

    @Test
    void unsupportedStepsAreRefusedNamingThePath() throws Exception {
        JsonNode result = JSON.readTree(RESULT);
        assertThatThrownBy(() -> Redactor.redact(result, "$..ssn")).hasMessageContaining("'$..ssn'");
        assertThatThrownBy(() -> Redactor.redact(result, "$['ssn']")).hasMessageContaining("unsupported step");
    }

    @Test
    void theArgumentDigestIgnoresMemberOrder() throws Exception {
        assertThat(Canonical.digest(JSON.readTree("{\"b\":1,\"a\":{\"y\":2,\"x\":[1,2]}}")))
                .isEqualTo(Canonical.digest(JSON.readTree("{\"a\":{\"x\":[1,2],\"y\":2},\"b\":1}")))
                .isNotEqualTo(Canonical.digest(JSON.readTree("{\"a\":{\"x\":[2,1],\"y\":2},\"b\":1}")));
    }
}
