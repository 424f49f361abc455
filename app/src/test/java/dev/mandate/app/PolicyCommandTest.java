package dev.mandate.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PolicyCommandTest {
    @TempDir
    Path tmp;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return NodeTesting.cli(out, err, args);
    }

    private void writeTest(String expectedDecision) throws IOException {
        Files.writeString(
                tmp.resolve("p.cedar"),
                "permit (principal == User::\"alice\", action == Action::\"read\", resource);\n");
        Files.writeString(tmp.resolve("e.entities.json"), "[]");
        Files.writeString(tmp.resolve("s.cedarschema"), """
                entity User;
                entity Doc;
                action read appliesTo { principal: [User], resource: [Doc] };
                """);
        String reason = expectedDecision.equals("allow") ? "[\"policy0\"]" : "[]";
        Files.writeString(tmp.resolve("t.json"), """
                {"policies": "p.cedar", "entities": "e.entities.json", "schema": "s.cedarschema",
                 "shouldValidate": true,
                 "requests": [{"description": "alice reads",
                   "principal": {"type": "User", "id": "alice"},
                   "action": {"type": "Action", "id": "read"},
                   "resource": {"type": "Doc", "id": "d1"},
                   "context": {}, "validateRequest": false,
                   "decision": "%s", "reason": %s, "errors": []}]}
                """.formatted(expectedDecision, reason));
    }

    @Test
    void conformancePassesAMatchingTestAndExitsZero() throws IOException {
        writeTest("allow");
        assertThat(run("policy", "conformance", tmp.toString())).isZero();
        // One request and the test's shouldValidate verdict.
        assertThat(out.toString()).contains("2 passed, 0 failed");
    }

    @Test
    void conformanceNamesAMismatchAndExitsOne() throws IOException {
        writeTest("deny");
        assertThat(run("policy", "conformance", tmp.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("t.json").contains("1 passed, 1 failed");
    }

    @Test
    void conformanceRefusesAPathThatIsNotADirectory() {
        assertThat(run("policy", "conformance", tmp.resolve("missing").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("missing").contains("not a directory");
    }

    private static final String SCHEMA = """
            entity Team;
            entity Agent in [Team] { owner: String, tier: String, nickname?: String };
            entity McpServer;
            action "crm.get_customer" appliesTo { principal: [Agent], resource: [McpServer],
                context: { purpose: String } };
            """;

    @Test
    void validatePassesPoliciesThatTypeCheckAndExitsZero() throws IOException {
        Files.writeString(tmp.resolve("s.cedarschema"), SCHEMA);
        Path dir = Files.createDirectories(tmp.resolve("policies"));
        Files.writeString(dir.resolve("ok.cedar"), """
                permit (principal in Team::"support", action == Action::"crm.get_customer", resource)
                when { context.purpose == "triage" && principal.tier == "copilot" };
                """);
        assertThat(run(
                        "policy",
                        "validate",
                        "--schema",
                        tmp.resolve("s.cedarschema").toString(),
                        dir.toString()))
                .as(out.toString() + err)
                .isZero();
        assertThat(out.toString()).contains("1 file, 1 policy, 0 problems");
    }

    @Test
    void validateNamesFileLineColumnAndTheRuleOfEveryProblemAndExitsOne() throws IOException {
        Files.writeString(tmp.resolve("s.cedarschema"), SCHEMA);
        Path dir = Files.createDirectories(tmp.resolve("policies"));
        Files.writeString(dir.resolve("typo.cedar"), """
                // a forbid with a typo would be skipped at run time
                @id("no-exfiltration") forbid (principal, action == Action::"crm.get_customer", resource)
                when { context.purpsoe == "exfiltrate" };
                permit (principal, action == Action::"crm.get_customer", resource)
                when { principal.nickname == "bot" };
                """);
        Files.writeString(dir.resolve("broken.cedar"), "permit (principal, action, resource) when { 1 + };\n");
        assertThat(run(
                        "policy",
                        "validate",
                        "--schema",
                        tmp.resolve("s.cedarschema").toString(),
                        dir.toString()))
                .isEqualTo(1);
        String printed = out.toString();
        assertThat(printed)
                .contains("typo.cedar:3:8: [unsafe-attribute-access]")
                .contains("purpsoe")
                .contains("(policy no-exfiltration)")
                .contains("typo.cedar:5:8: [unsafe-optional-attribute-access]")
                .contains("broken.cedar:1:")
                .contains("[parse-error]")
                .contains("2 files, 2 policies, 3 problems");
    }

    @Test
    void validateRefusesASchemaThatDoesNotParseNamingTheFile() throws IOException {
        Files.writeString(tmp.resolve("bad.cedarschema"), "entity ;");
        Files.writeString(tmp.resolve("p.cedar"), "permit (principal, action, resource);");
        assertThat(run(
                        "policy",
                        "validate",
                        "--schema",
                        tmp.resolve("bad.cedarschema").toString(),
                        tmp.resolve("p.cedar").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("bad.cedarschema").contains("not a valid Cedar schema");
    }
}
