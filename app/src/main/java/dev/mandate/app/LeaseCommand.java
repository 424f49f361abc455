package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.app.cli.NodeOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mandate lease list|revoke}: the just-in-time credentials a node has issued. */
@Command(
        name = "lease",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "List and revoke just-in-time credential leases.",
        subcommands = {LeaseCommand.ListLeases.class, LeaseCommand.RevokeLease.class})
final class LeaseCommand implements Runnable {
    @Spec
    CommandSpec spec;

    LeaseCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "name a subcommand: 'mandate lease list' or 'mandate lease revoke <id>'");
    }

    /** {@code mandate lease list}. */
    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "List leases, newest first, as JSON.",
            footer = {"", "Example:", "  mandate lease list --state revoking     revocations still being retried"})
    static final class ListLeases implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Option(names = "--mandate", paramLabel = "<id>", description = "Only leases of this mandate.")
        @Nullable
        String mandate;

        @Option(names = "--agent", paramLabel = "<spiffe-id>", description = "Only leases of this agent.")
        @Nullable
        String agent;

        @Option(names = "--backend", paramLabel = "<name>", description = "Only leases of this backend.")
        @Nullable
        String backend;

        @Option(
                names = "--state",
                paramLabel = "<state>",
                description = "Only leases in this state: active, revoking, revoked, expired.")
        @Nullable
        String state;

        @Option(names = "--limit", paramLabel = "<n>", description = "At most this many (1-1000). Default 100.")
        int limit = 100;

        @Override
        public Integer call() throws Exception {
            List<String> params = new ArrayList<>();
            add(params, "mandate", mandate);
            add(params, "agent", agent);
            add(params, "backend", backend);
            add(params, "state", state);
            add(params, "limit", Integer.toString(limit));
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            JsonNode answer = node.client(System.getenv(), json).get("v1/leases?" + String.join("&", params));
            spec.commandLine().getOut().println(json.writeValueAsString(answer));
            return 0;
        }

        private static void add(List<String> params, String name, @Nullable String value) {
            if (value != null) {
                params.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    /** {@code mandate lease revoke <id> | --mandate <id> | --agent <spiffe-id>}. */
    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            versionProvider = Version.class,
            header = "Revoke a lease, or every lease of a mandate or an agent, at its backend now.",
            description = {
                "",
                "Prints the leases: 'revoked', or 'revoking' if the backend could not be",
                "reached (the node retries with backoff until it can).",
                ""
            },
            footer = {
                "",
                "Examples:",
                "  mandate lease revoke 3f9c0d1e2b7a4c5d8e9f0a1b2c3d4e5f --reason 'leaked in a log'",
                "  mandate lease revoke --agent spiffe://mandate.local/agent/support-bot"
            })
    static final class RevokeLease implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", arity = "0..1", paramLabel = "<lease-id>", description = "The lease to revoke.")
        @Nullable
        String id;

        @Option(names = "--mandate", paramLabel = "<id>", description = "Revoke every live lease of this mandate.")
        @Nullable
        String mandate;

        @Option(names = "--agent", paramLabel = "<spiffe-id>", description = "Revoke every live lease of this agent.")
        @Nullable
        String agent;

        @Option(names = "--reason", paramLabel = "<text>", description = "Why, for the audit log.")
        String reason = "revoked by admin";

        @Override
        public Integer call() throws Exception {
            int named = (id != null ? 1 : 0) + (mandate != null ? 1 : 0) + (agent != null ? 1 : 0);
            if (named != 1) {
                throw new picocli.CommandLine.ParameterException(
                        spec.commandLine(), "name exactly one of <lease-id>, --mandate or --agent");
            }
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            var client = node.client(System.getenv(), json);
            JsonNode answer;
            if (id != null) {
                answer = client.post(
                        "v1/leases/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/revoke",
                        Map.of("reason", reason));
            } else {
                Map<String, String> body = new java.util.LinkedHashMap<>();
                if (mandate != null) {
                    body.put("mandate", mandate);
                }
                if (agent != null) {
                    body.put("agent", agent);
                }
                body.put("reason", reason);
                answer = client.post("v1/leases/revoke", body);
            }
            spec.commandLine().getOut().println(json.writeValueAsString(answer));
            return 0;
        }
    }
}
