package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.app.cli.NodeOptions;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mandate approval list|approve|deny}: the approvals queue of a running node. */
@Command(
        name = "approval",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "List, approve or deny calls held for approval.",
        description = {
            "",
            "A call denied by an @approval policy waits as an approval bound to its mandate, tool,",
            "argument digest and policy-set version. Once approved, the identical call passes once.",
            ""
        },
        subcommands = {ApprovalCommand.ListApprovals.class, ApprovalCommand.Approve.class, ApprovalCommand.Deny.class})
final class ApprovalCommand implements Runnable {
    @Spec
    CommandSpec spec;

    ApprovalCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static void print(PrintWriter out, JsonNode node) throws Exception {
        out.println(JSON.writeValueAsString(node));
        out.flush();
    }

    /** {@code mandate approval list [--state pending]}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "List approvals, oldest first.",
            footer = {"", "Example:", "  mandate approval list --state pending"})
    static final class ListApprovals implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        NodeOptions node = new NodeOptions();

        @Option(names = "--state", paramLabel = "<state>", description = "pending, approved, denied or used")
        @Nullable
        String state;

        ListApprovals() {
            this.spec = CommandSpec.create();
        }

        @Override
        public Integer call() throws Exception {
            String path = state == null ? "/v1/approvals" : "/v1/approvals?state=" + state;
            print(
                    spec.commandLine().getOut(),
                    node.client(System.getenv(), JSON).get(path));
            return 0;
        }
    }

    /** Shared by approve and deny. */
    abstract static class Decide implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<approval-id>", description = "the approval, e.g. apr_0f3a...")
        String id = "";

        @Option(names = "--by", required = true, paramLabel = "<who>", description = "who decides")
        String by = "";

        @Option(names = "--reason", required = true, paramLabel = "<why>", description = "why")
        String reason = "";

        Decide() {
            this.spec = CommandSpec.create();
        }

        abstract String verb();

        @Override
        public Integer call() throws Exception {
            if (!id.matches("[A-Za-z0-9_-]{1,128}")) {
                throw new dev.mandate.core.MandateException(
                        dev.mandate.core.ErrorCode.BAD_REQUEST,
                        "approval id '" + id + "' must be 1-128 characters of A-Z a-z 0-9 _ -");
            }
            print(
                    spec.commandLine().getOut(),
                    node.client(System.getenv(), JSON)
                            .post("/v1/approvals/" + id + "/" + verb(), Map.of("by", by, "reason", reason)));
            return 0;
        }
    }

    /** {@code mandate approval approve <id> --by <who> --reason <why>}. */
    @Command(
            name = "approve",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "Approve a pending call; the identical call then passes once.")
    static final class Approve extends Decide {
        @Override
        String verb() {
            return "approve";
        }
    }

    /** {@code mandate approval deny <id> --by <who> --reason <why>}. */
    @Command(
            name = "deny",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "Deny a pending call.")
    static final class Deny extends Decide {
        @Override
        String verb() {
            return "deny";
        }
    }
}
