package dev.mandate.cedar.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.cedar.testing.CedarCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class ConformanceRunnerTest {
    private static final Path ROOT = Path.of("target", "conformance");

    @BeforeAll
    static void unpackCorpus() throws IOException {
        CedarCorpus.unpack(ROOT);
    }

    @Test
    void everyCorpusAndHandwrittenRequestMatchesTheReference() {
        List<String> lines = new ArrayList<>();
        ConformanceRunner.Result r = ConformanceRunner.run(ROOT, lines::add);
        assertThat(r.mismatches()).isEmpty();
        assertThat(r.passed()).isGreaterThan(47_000);
        assertThat(lines).last().isEqualTo(r.passed() + " passed, 0 failed");
    }

    @Test
    void aMismatchIsReportedWithTheTestAndBothOutcomes(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("p.cedar"), "permit(principal, action, resource);");
        Files.writeString(dir.resolve("e.json"), "[]");
        Files.writeString(dir.resolve("t.entities.json"), "[]");
        Files.writeString(dir.resolve("t.json"), """
                {"policies": "p.cedar", "entities": "e.json", "requests": [
                  {"description": "wrong on purpose", "principal": {"type": "U", "id": "a"},
                   "action": {"type": "Action", "id": "v"}, "resource": {"type": "R", "id": "r"},
                   "context": {}, "decision": "deny", "reason": [], "errors": []},
                  {"description": "right", "principal": {"type": "U", "id": "a"},
                   "action": {"type": "Action", "id": "v"}, "resource": {"type": "R", "id": "r"},
                   "context": {}, "decision": "allow", "reason": ["policy0"], "errors": []}]}
                """);
        List<String> lines = new ArrayList<>();
        ConformanceRunner.Result r = ConformanceRunner.run(dir, lines::add);
        assertThat(r.passed()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(lines)
                .containsExactly(
                        "t.json: wrong on purpose: expected DENY reasons [] errors [], got ALLOW reasons [policy0] errors []",
                        "1 passed, 1 failed");
    }

    @Test
    void aValidationVerdictCountsAsOneResult(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("p.cedar"), "permit(principal, action, resource) when { principal.nope == 1 };");
        Files.writeString(dir.resolve("s.cedarschema"), "entity U; action v appliesTo { principal: U, resource: U };");
        Files.writeString(dir.resolve("e.json"), "[]");
        Files.writeString(dir.resolve("good.json"), """
                {"policies": "p.cedar", "entities": "e.json", "schema": "s.cedarschema", "shouldValidate": false,
                 "requests": []}
                """);
        Files.writeString(dir.resolve("wrong.json"), """
                {"policies": "p.cedar", "entities": "e.json", "schema": "s.cedarschema", "shouldValidate": true,
                 "requests": []}
                """);
        List<String> lines = new ArrayList<>();
        ConformanceRunner.Result r = ConformanceRunner.run(dir, lines::add);
        assertThat(r.passed()).isEqualTo(1);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(lines.get(0))
                .startsWith("wrong.json: validation: expected valid, got [policy0 1:1: [unsafe-attribute-access]");
        assertThat(lines).last().isEqualTo("1 passed, 1 failed");
    }
}
