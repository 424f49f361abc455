package dev.mandate.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.cli.NodeOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mandate mandate ...}: list, show, revoke and close mandates on a running node. */
@Command(
        name = "mandate",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "List, show, revoke and close mandates.",
        description = {"", "Calls /v1/mandates on a running node with the admin token; answers are JSON.", ""},
        footer = {
            "",
            "Examples:",
            "  mandate mandate list --agent support-bot --state active",
            "  mandate mandate get mdt_...",
            "  mandate mandate revoke mdt_... --reason 'token leaked'",
            "  mandate mandate close mdt_..."
        },
        subcommands = {
            MandateCliCommand.ListMandates.class,
            MandateCliCommand.Get.class,
            MandateCliCommand.Revoke.class,
            MandateCliCommand.Close.class
        })
final class MandateCliCommand implements Runnable {
    @Spec
    CommandSpec spec;

    MandateCliCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, get, revoke or close");
    }

    /** {@code mandate mandate list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, header = "List mandates, newest first.")
    static final class ListMandates implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Option(names = "--agent", description = "Only this agent's (name or SPIFFE ID).")
        @Nullable
        String agent;

        @Option(names = "--state", description = "Only in this state: active, closed, revoked, expired.")
        @Nullable
        String state;

        @Option(names = "--limit", description = "At most this many, 1-1000 (default 100).")
        int limit = 100;

        @Override
        public Integer call() throws Exception {
            List<String> query = new ArrayList<>();
            query.add("limit=" + limit);
            if (agent != null) {
                query.add("agent=" + AgentCommand.segment(agent));
            }
            if (state != null) {
                query.add("state=" + AgentCommand.segment(state));
            }
            ObjectMapper json = AgentCommand.json();
            return AgentCommand.print(
                    spec, json, node.client(System.getenv(), json).get("/v1/mandates?" + String.join("&", query)));
        }
    }

    /** {@code mandate mandate get}. */
    @Command(name = "get", mixinStandardHelpOptions = true, header = "Show a mandate and its delegation tree.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<id>", description = "The mandate id.")
        String id = "";

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = AgentCommand.json();
            return AgentCommand.print(
                    spec, json, node.client(System.getenv(), json).get("/v1/mandates/" + AgentCommand.segment(id)));
        }
    }

    /** {@code mandate mandate revoke}. */
    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            header = "Revoke a mandate and its whole delegation subtree.")
    static final class Revoke implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<id>", description = "The mandate id.")
        String id = "";

        @Option(names = "--reason", description = "Why, for the audit log.")
        @Nullable
        String reason;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason != null) {
                body.put("reason", reason);
            }
            ObjectMapper json = AgentCommand.json();
            return AgentCommand.print(
                    spec,
                    json,
                    node.client(System.getenv(), json)
                            .post("/v1/mandates/" + AgentCommand.segment(id) + "/revoke", body));
        }
    }

    /** {@code mandate mandate close}. */
    @Command(name = "close", mixinStandardHelpOptions = true, header = "Close a mandate whose task ended.")
    static final class Close implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<id>", description = "The mandate id.")
        String id = "";

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = AgentCommand.json();
            return AgentCommand.print(
                    spec,
                    json,
                    node.client(System.getenv(), json)
                            .post("/v1/mandates/" + AgentCommand.segment(id) + "/close", Map.of()));
        }
    }
}
