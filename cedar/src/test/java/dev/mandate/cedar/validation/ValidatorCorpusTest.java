package dev.mandate.cedar.validation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.testing.CedarCorpus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class ValidatorCorpusTest {
    private static final Path ROOT = Path.of("target", "conformance-validation");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The agreement reached so far; raise it as the validator improves, never lower it. */
    private static final int MIN_AGREEING = 5_938;

    @BeforeAll
    static void unpackCorpus() throws IOException {
        CedarCorpus.unpack(ROOT);
    }

    @Test
    void validatorAgreesWithTheReferenceVerdictOnTheCorpus() throws IOException {
        List<Path> tests;
        try (Stream<Path> files = Files.walk(ROOT)) {
            tests = files.filter(
                            p -> p.toString().endsWith(".json") && !p.toString().endsWith(".entities.json"))
                    .sorted()
                    .toList();
        }
        int total = 0;
        int agree = 0;
        List<String> disagreements = new ArrayList<>();
        for (Path t : tests) {
            JsonNode test = MAPPER.readTree(t.toFile());
            if (!test.isObject()
                    || !test.has("shouldValidate")
                    || !test.path("schema").isTextual()) {
                continue;
            }
            total++;
            boolean expected = test.get("shouldValidate").asBoolean();
            String schemaPath = test.get("schema").asText();
            String got;
            try {
                String schemaText = Files.readString(ROOT.resolve(schemaPath), StandardCharsets.UTF_8);
                Schema schema =
                        schemaPath.endsWith(".json") ? Schema.parseJson(schemaText) : Schema.parseCedar(schemaText);
                PolicySet policies = PolicySet.parse(
                        Files.readString(ROOT.resolve(test.get("policies").asText()), StandardCharsets.UTF_8));
                ValidationResult r = Validator.validate(schema, policies);
                if (r.isValid() == expected) {
                    agree++;
                    continue;
                }
                got = r.isValid() ? "valid" : r.errors().toString();
            } catch (RuntimeException e) {
                got = "exception " + e;
            }
            disagreements.add(ROOT.relativize(t) + ": expected " + (expected ? "valid" : "invalid") + ", got " + got);
        }
        System.out.println("validation agreement: " + agree + " / " + total + " tests");
        disagreements.stream().limit(400).forEach(System.out::println);
        assertThat(total).isGreaterThan(5_000);
        assertThat(agree).isGreaterThanOrEqualTo(MIN_AGREEING);
    }

    @Test
    void policiesCheckedAgainstUnrelatedSchemasGiveErrorsNotExceptions() throws IOException {
        List<Path> tests;
        try (Stream<Path> files = Files.walk(ROOT.resolve("corpus-tests"))) {
            tests = files.filter(p -> p.toString().endsWith(".cedarschema"))
                    .sorted()
                    .limit(300)
                    .toList();
        }
        List<Schema> schemas = new ArrayList<>();
        List<PolicySet> policySets = new ArrayList<>();
        for (Path schemaFile : tests) {
            Path policies = Path.of(schemaFile.toString().replace(".cedarschema", ".cedar"));
            try {
                schemas.add(Schema.parseCedar(Files.readString(schemaFile, StandardCharsets.UTF_8)));
                policySets.add(PolicySet.parse(Files.readString(policies, StandardCharsets.UTF_8)));
            } catch (RuntimeException | IOException e) {
                // Not every corpus file pair parses; those are covered by the schema and parser tests.
            }
        }
        assertThat(schemas).hasSizeGreaterThan(100);
        int invalid = 0;
        for (int i = 0; i < policySets.size(); i++) {
            for (int k = 1; k <= 5; k++) {
                Schema other = schemas.get((i + k * 37) % schemas.size());
                for (ValidationMode mode : ValidationMode.values()) {
                    ValidationResult r = Validator.validate(other, policySets.get(i), mode);
                    invalid += r.isValid() ? 0 : 1;
                    assertThat(r.errors())
                            .allSatisfy(e -> assertThat(e.message()).isNotBlank());
                }
            }
        }
        assertThat(invalid).isPositive();
    }
}
