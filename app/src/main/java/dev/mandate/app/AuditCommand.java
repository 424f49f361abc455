package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.cli.NodeOptions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mandate audit ...}: verify and read the hash-chained audit log of a running node. */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Verify and read the tamper-evident audit log.",
        description = {"", "Calls /v1/audit on a running node with the admin token.", ""},
        footer = {"", "Examples:", "  mandate audit verify", "  mandate audit list --after 100 --limit 50"},
        subcommands = {AuditCommand.Verify.class, AuditCommand.ListEvents.class})
final class AuditCommand implements Runnable {
    @Spec
    CommandSpec spec;

    AuditCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: verify or list");
    }

    /** {@code mandate audit verify}: exit 0 if the chain and checkpoints verify, 1 naming the first broken link. */
    @Command(
            name = "verify",
            mixinStandardHelpOptions = true,
            header = "Recompute the hash chain and check every signed checkpoint.",
            description = {"", "Exit code 0 when the log is intact, 1 when a link is broken (the answer names it)."})
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = AgentCommand.json();
            JsonNode answer = node.client(System.getenv(), json).post("/v1/audit/verify", Map.of());
            spec.commandLine().getOut().println(json.writeValueAsString(answer));
            if (answer.path("ok").asBoolean(false)) {
                return 0;
            }
            spec.commandLine()
                    .getErr()
                    .println("mandate: the audit log is broken at "
                            + answer.path("brokenSeq").asText() + ": "
                            + answer.path("problem").asText());
            return 1;
        }
    }

    /** {@code mandate audit list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, header = "Print a page of audit events, oldest first.")
    static final class ListEvents implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Option(names = "--after", description = "Start after this sequence number (default 0).")
        long after;

        @Option(names = "--limit", description = "How many events, 1-1000 (default 100).")
        int limit = 100;

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = AgentCommand.json();
            return AgentCommand.print(
                    spec, json, node.client(System.getenv(), json).get("/v1/audit?after=" + after + "&limit=" + limit));
        }
    }
}
