package dev.mandate.cedar.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.cedar.Authorizer;
import dev.mandate.cedar.CedarJson;
import dev.mandate.cedar.Decision;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.Response;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.validation.ValidationResult;
import dev.mandate.cedar.validation.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs the Cedar conformance tests (the format of cedar-policy/cedar-integration-tests) found under a
 * directory. A test is a JSON object with {@code policies}, {@code entities}, {@code schema} and
 * {@code requests}; the paths inside it are relative to the directory given. Every request counts: a test
 * whose files cannot be read fails all of its requests. A test with a schema and {@code shouldValidate} also
 * counts one result for the validator's verdict on its policies.
 */
public final class ConformanceRunner {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /**
     * The outcome of a run.
     *
     * @param passed requests whose decision, reasons and errors matched, plus validation verdicts that matched
     * @param failed requests and validation verdicts that did not match or could not be run
     * @param mismatches one line per failed request
     */
    public record Result(int passed, int failed, List<String> mismatches) {
        /** Copies the list. */
        public Result {
            mismatches = List.copyOf(mismatches);
        }

        /**
         * Returns the summary line.
         *
         * @return {@code N passed, M failed}
         */
        public String summary() {
            return passed + " passed, " + failed + " failed";
        }
    }

    private final Path root;
    private final Consumer<String> out;
    private int passed;
    private int failed;
    private final List<String> mismatches = new ArrayList<>();

    private ConformanceRunner(Path root, Consumer<String> out) {
        this.root = root;
        this.out = out;
    }

    /**
     * Runs every test under a directory, printing one line per mismatch and then the summary line.
     *
     * @param root the directory the test paths are relative to
     * @param out where lines go (e.g. {@code System.out::println})
     * @return the counts and mismatch lines
     * @throws UncheckedIOException if the directory cannot be listed
     */
    public static Result run(Path root, Consumer<String> out) {
        ConformanceRunner r = new ConformanceRunner(root, out);
        List<Path> tests;
        try (Stream<Path> files = Files.walk(root)) {
            tests = files.filter(p -> Files.isRegularFile(p)
                            && p.getFileName().toString().endsWith(".json")
                            && !p.getFileName().toString().endsWith(".entities.json"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        for (Path t : tests) {
            r.runFile(t);
        }
        Result result = new Result(r.passed, r.failed, r.mismatches);
        out.accept(result.summary());
        return result;
    }

    private void runFile(Path file) {
        JsonNode test;
        try {
            test = MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return; // Not JSON we can read: not a test file.
        }
        if (!test.isObject() || !test.has("policies") || !test.has("requests")) {
            return;
        }
        String name = root.relativize(file).toString();
        JsonNode requests = test.get("requests");
        TestFiles files;
        try {
            files = TestFiles.load(root, test);
        } catch (RuntimeException e) {
            for (JsonNode rq : requests) {
                fail(name, description(rq), "test setup failed: " + e.getMessage());
            }
            return;
        }
        for (JsonNode rq : requests) {
            runRequest(name, files, rq);
        }
        JsonNode shouldValidate = test.get("shouldValidate");
        Schema schema = files.schema();
        if (shouldValidate != null && shouldValidate.isBoolean() && schema != null) {
            checkValidation(name, files.policies(), schema, shouldValidate.asBoolean());
        }
    }

    private void checkValidation(String name, PolicySet policies, Schema schema, boolean expected) {
        ValidationResult r;
        try {
            r = Validator.validate(schema, policies);
        } catch (RuntimeException e) {
            fail(name, "validation", "validator failed: " + e);
            return;
        }
        if (r.isValid() == expected) {
            passed++;
        } else {
            fail(
                    name,
                    "validation",
                    "expected " + (expected ? "valid" : "invalid") + ", got "
                            + (r.isValid() ? "valid" : r.errors().toString()));
        }
    }

    private void runRequest(String name, TestFiles files, JsonNode rq) {
        String desc = description(rq);
        Decision expectedDecision = "allow".equals(rq.path("decision").asText()) ? Decision.ALLOW : Decision.DENY;
        Set<String> expectedReasons = strings(rq.get("reason"));
        Set<String> expectedErrors = strings(rq.get("errors"));
        Decision gotDecision;
        Set<String> gotReasons;
        Set<String> gotErrors;
        try {
            EntityUid principal = CedarJson.entityUid(rq.get("principal").toString());
            EntityUid action = CedarJson.entityUid(rq.get("action").toString());
            EntityUid resource = CedarJson.entityUid(rq.get("resource").toString());
            JsonNode ctx = rq.get("context");
            boolean validate = rq.path("validateRequest").asBoolean(false);
            Request request = files.request(principal, action, resource, ctx == null ? "{}" : ctx.toString(), validate);
            Response resp = Authorizer.authorize(files.policies(), request, files.entities());
            gotDecision = resp.decision();
            gotReasons = new TreeSet<>(resp.reasons());
            gotErrors = new TreeSet<>();
            resp.errors().forEach(e -> gotErrors.add(e.policyId()));
        } catch (RuntimeException e) {
            fail(name, desc, "request failed: " + e);
            return;
        }
        if (gotDecision == expectedDecision && gotReasons.equals(expectedReasons) && gotErrors.equals(expectedErrors)) {
            passed++;
        } else {
            fail(
                    name,
                    desc,
                    "expected " + expectedDecision + " reasons " + expectedReasons + " errors " + expectedErrors
                            + ", got " + gotDecision + " reasons " + gotReasons + " errors " + gotErrors);
        }
    }

    private void fail(String name, String desc, String why) {
        failed++;
        String line = name + ": " + desc + ": " + why;
        mismatches.add(line);
        out.accept(line);
    }

    private static String description(JsonNode rq) {
        return rq.path("description").asText("(no description)");
    }

    private static Set<String> strings(JsonNode n) {
        Set<String> s = new TreeSet<>();
        if (n != null) {
            for (JsonNode e : n) {
                s.add(e.asText());
            }
        }
        return s;
    }

    /** The policies, schema and entities of one test, loaded once for all its requests. */
    private record TestFiles(PolicySet policies, @Nullable Schema schema, Entities entities) {
        static TestFiles load(Path root, JsonNode test) {
            PolicySet policies = PolicySet.parse(read(root, test.get("policies").asText()));
            Schema schema = null;
            JsonNode schemaPath = test.get("schema");
            if (schemaPath != null && schemaPath.isTextual()) {
                String text = read(root, schemaPath.asText());
                schema = schemaPath.asText().endsWith(".json") ? Schema.parseJson(text) : Schema.parseCedar(text);
            }
            String entitiesJson = read(root, test.get("entities").asText());
            Entities entities =
                    schema == null ? CedarJson.entities(entitiesJson) : CedarJson.entities(entitiesJson, schema);
            return new TestFiles(policies, schema, entities);
        }

        Request request(EntityUid principal, EntityUid action, EntityUid resource, String context, boolean validate) {
            Schema s = schema;
            RecordValue ctx = s == null ? CedarJson.context(context) : CedarJson.context(context, s, action);
            Request request = new Request(principal, action, resource, ctx);
            if (validate && s != null) {
                request.validate(s);
            }
            return request;
        }

        private static String read(Path root, String rel) {
            try {
                return Files.readString(root.resolve(rel), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + rel, e);
            }
        }
    }

    /**
     * Runs from the command line: {@code ConformanceRunner <dir>}; exit status 0 only when nothing failed.
     *
     * @param args the directory
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ConformanceRunner <dir>");
            System.exit(2);
        }
        Result r = run(Path.of(args[0]), System.out::println);
        System.exit(r.failed() == 0 ? 0 : 1);
    }
}
