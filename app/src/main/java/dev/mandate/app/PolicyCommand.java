package dev.mandate.app;

import dev.mandate.cedar.CedarParseException;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.conformance.ConformanceRunner;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.schema.SchemaParseException;
import dev.mandate.cedar.validation.ValidationError;
import dev.mandate.cedar.validation.ValidationMode;
import dev.mandate.cedar.validation.ValidationResult;
import dev.mandate.cedar.validation.Validator;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.policy.SchemaGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mandate policy}: work with Cedar policies offline, without a running node. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Work with Cedar policies offline.",
        description = {"", "Commands that read policy files and test data; none needs a running node.", ""},
        subcommands = {PolicyCommand.Validate.class, PolicyCommand.Conformance.class})
final class PolicyCommand implements Runnable {
    @Spec
    CommandSpec spec;

    PolicyCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** {@code mandate policy validate}: type-check policy files against a Cedar schema before they go live. */
    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "Type-check Cedar policy files against a schema.",
            description = {
                "",
                "Parses every .cedar file named (directories are searched), then validates each",
                "file's policies against the schema in strict mode, as the Cedar validator does:",
                "unknown entity types, actions and attributes, optional attributes read without a",
                "'has' guard, wrong operand types, actions applied to principals or resources",
                "their schema does not allow. A policy with such an error would be skipped at run",
                "time - a forbid with a typo silently stops protecting anything.",
                "",
                "Prints one line per problem as <file>:<line>:<column>: [<code>] <message> (policy",
                "<id>) and exits 0 when every file validates, 1 when any does not.",
                "",
                "Without --schema the schema is Mandate's own for the MCP mapping (Agent, Team,",
                "Person, McpServer and the action groups); it holds no tool actions yet, so",
                "policies naming tools need --schema with `mandate schema` output of a node",
                "that knows its upstreams.",
                ""
            },
            footer = {
                "",
                "Examples:",
                "  mandate policy validate --schema schema.cedarschema policies/",
                "  mandate schema > mandate.cedarschema   # from a running node, with its tools",
                "  mandate policy validate --schema mandate.cedarschema data/policies"
            })
    static final class Validate implements Callable<Integer> {
        /** The most policy files one run reads. */
        static final int MAX_FILES = 10_000;

        @Spec
        CommandSpec spec;

        @Option(
                names = "--schema",
                paramLabel = "<file>",
                description = "the schema: .cedarschema (Cedar syntax) or .json (Cedar's JSON schema format)")
        @Nullable
        Path schemaFile;

        @Option(names = "--permissive", description = "permissive mode: entity types may mix in sets and if-branches")
        boolean permissive;

        @Parameters(arity = "1..*", paramLabel = "<file-or-dir>", description = "policy files or directories of them")
        List<Path> paths = new ArrayList<>();

        Validate() {
            this.spec = CommandSpec.create();
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            Schema schema = schema();
            List<Path> files = policyFiles();
            int problems = 0;
            int policies = 0;
            for (Path file : files) {
                String text;
                try {
                    text = Files.readString(file);
                } catch (IOException e) {
                    throw new MandateException(ErrorCode.BAD_REQUEST, "cannot read " + file + ": " + e.getMessage());
                }
                PolicySet set;
                try {
                    set = PolicySet.parse(text);
                } catch (CedarParseException e) {
                    out.println(file + ":" + e.line() + ":" + e.column() + ": [parse-error] " + e.detail());
                    problems++;
                    continue;
                }
                policies += set.policies().size();
                ValidationResult result = Validator.validate(
                        schema, text, permissive ? ValidationMode.PERMISSIVE : ValidationMode.STRICT);
                for (ValidationError error : result.errors()) {
                    out.println(file + ":" + error.line() + ":" + error.column() + ": [" + error.code() + "] "
                            + error.message() + " (policy " + shownId(set, error.policyId()) + ")");
                    problems++;
                }
            }
            out.println(files.size()
                    + (files.size() == 1 ? " file, " : " files, ")
                    + policies
                    + (policies == 1 ? " policy, " : " policies, ")
                    + problems
                    + (problems == 1 ? " problem" : " problems"));
            out.flush();
            return problems == 0 ? 0 : 1;
        }

        /** The policy's {@code @id} when it has one, else its position in the file ({@code policy0}, …). */
        private static String shownId(PolicySet set, String positionalId) {
            dev.mandate.cedar.Policy policy = set.get(positionalId);
            String id = policy == null ? null : policy.annotations().get("id");
            return id == null ? positionalId : id;
        }

        private Schema schema() {
            Path file = schemaFile;
            if (file == null) {
                return SchemaGenerator.generate(List.of());
            }
            try {
                String text = Files.readString(file);
                return file.toString().endsWith(".json") ? Schema.parseJson(text) : Schema.parseCedar(text);
            } catch (IOException e) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST, "--schema: cannot read " + file + ": " + e.getMessage());
            } catch (SchemaParseException e) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST, "--schema: " + file + " is not a valid Cedar schema: " + e.getMessage());
            }
        }

        private List<Path> policyFiles() {
            List<Path> files = new ArrayList<>();
            for (Path p : paths) {
                if (Files.isDirectory(p)) {
                    try (Stream<Path> walk = Files.walk(p)) {
                        walk.filter(f -> Files.isRegularFile(f) && f.toString().endsWith(".cedar"))
                                .sorted()
                                .forEach(files::add);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot list " + p, e);
                    }
                } else if (Files.isRegularFile(p)) {
                    files.add(p);
                } else {
                    throw new MandateException(
                            ErrorCode.BAD_REQUEST, "'" + p + "' is neither a policy file nor a directory");
                }
                if (files.size() > MAX_FILES) {
                    throw new MandateException(
                            ErrorCode.BAD_REQUEST,
                            "more than " + MAX_FILES + " policy files under the paths given (Validate.MAX_FILES)");
                }
            }
            return files;
        }
    }

    /** {@code mandate policy conformance <dir>}: run the Cedar integration tests against Mandate's engine. */
    @Command(
            name = "conformance",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "Run Cedar conformance tests against Mandate's Cedar engine.",
            description = {
                "",
                "Finds every test JSON under <dir> (the Cedar integration-test format: policies,",
                "entities, schema, shouldValidate and requests with the expected decision, reasons",
                "and errors; paths inside a test are relative to <dir>), decides every request,",
                "validates the policies against the schema, prints one line per mismatch and ends",
                "with 'N passed, M failed' counting requests and validation verdicts.",
                "Exits 0 only when nothing failed.",
                ""
            },
            footer = {
                "",
                "Example (the corpus kept beside the repository):",
                "  mkdir -p /tmp/cedar && tar -xzf ../shared/conformance/cedar/corpus-tests.tar.gz -C /tmp/cedar",
                "  mandate policy conformance /tmp/cedar"
            })
    static final class Conformance implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "<dir>", description = "the directory holding the tests")
        Path dir = Path.of(".");

        Conformance() {
            this.spec = CommandSpec.create();
        }

        @Override
        public Integer call() {
            if (!Files.isDirectory(dir)) {
                throw new MandateException(ErrorCode.BAD_REQUEST, "conformance: '" + dir + "' is not a directory");
            }
            PrintWriter out = spec.commandLine().getOut();
            // The runner prints each mismatch and, last, the summary line.
            ConformanceRunner.Result result = ConformanceRunner.run(dir, out::println);
            out.flush();
            return result.failed() == 0 ? 0 : 1;
        }
    }
}
