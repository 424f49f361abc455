package dev.mandate.app;

import dev.mandate.cedar.conformance.ConformanceRunner;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mandate policy}: work with Cedar policies offline, without a running node. */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Work with Cedar policies offline.",
        description = {"", "Commands that read policy files and test data; none needs a running node.", ""},
        subcommands = {PolicyCommand.Conformance.class})
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
