package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.app.cli.NodeOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

/** {@code mandate agent ...}: register, list, show and disable agents on a running node. */
@Command(
        name = "agent",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Register, list, show and disable agents; create join tokens.",
        description = {"", "Calls /v1/agents on a running node with the admin token; answers are printed as JSON.", ""},
        footer = {
            "",
            "Examples:",
            "  mandate agent register support-bot --owner team-support --tier copilot --purpose support",
            "  mandate agent list",
            "  mandate agent get support-bot",
            "  mandate agent disable support-bot --reason 'key leaked'",
            "  mandate agent join-token support-bot     one-time token for POST /v1/svid"
        },
        subcommands = {
            AgentCommand.Register.class,
            AgentCommand.ListAgents.class,
            AgentCommand.Get.class,
            AgentCommand.Disable.class,
            AgentCommand.JoinToken.class
        })
final class AgentCommand implements Runnable {
    @Spec
    CommandSpec spec;

    AgentCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(), "name a subcommand: register, list, get, disable or join-token");
    }

    static int print(CommandSpec spec, ObjectMapper json, JsonNode answer) throws Exception {
        spec.commandLine().getOut().println(json.writeValueAsString(answer));
        return 0;
    }

    static ObjectMapper json() {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    static String segment(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    /** {@code mandate agent register}. */
    @Command(
            name = "register",
            mixinStandardHelpOptions = true,
            header = "Register an agent; it gets spiffe://<trust-domain>/agent/<name>.")
    static final class Register implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<name>", description = "Agent name: a-z 0-9 and '-'.")
        String name = "";

        @Option(names = "--owner", required = true, description = "Person or team answerable for the agent.")
        String owner = "";

        @Option(names = "--tier", description = "copilot (default) or autonomous.")
        @Nullable
        String tier;

        @Option(names = "--purpose", paramLabel = "<purpose>", description = "An allowed purpose; repeat for more.")
        List<String> purposes = new ArrayList<>();

        @Option(
                names = "--labels-ceiling",
                split = ",",
                paramLabel = "<label>",
                description = "Flow-label ceiling, comma-separated (e.g. internal,pii). Default: none.")
        @Nullable
        List<String> labelsCeiling;

        @Option(names = "--spiffe-id", description = "SPIFFE ID of an agent of another trust domain.")
        @Nullable
        String spiffeId;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("owner", owner);
            if (tier != null) {
                body.put("tier", tier);
            }
            body.put("purposes", purposes);
            if (labelsCeiling != null) {
                body.put("labelsCeiling", labelsCeiling);
            }
            if (spiffeId != null) {
                body.put("spiffeId", spiffeId);
            }
            ObjectMapper json = json();
            return print(spec, json, node.client(System.getenv(), json).post("/v1/agents", body));
        }
    }

    /** {@code mandate agent list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, header = "List every agent.")
    static final class ListAgents implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = json();
            return print(spec, json, node.client(System.getenv(), json).get("/v1/agents"));
        }
    }

    /** {@code mandate agent get}. */
    @Command(name = "get", mixinStandardHelpOptions = true, header = "Show one agent.")
    static final class Get implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<name>")
        String name = "";

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = json();
            return print(spec, json, node.client(System.getenv(), json).get("/v1/agents/" + segment(name)));
        }
    }

    /** {@code mandate agent disable}. */
    @Command(
            name = "disable",
            mixinStandardHelpOptions = true,
            header = "Disable an agent: no new SVIDs or mandates; what it holds is revoked.")
    static final class Disable implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<name>")
        String name = "";

        @Option(names = "--reason", description = "Why, for the audit log.")
        @Nullable
        String reason;

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = json();
            String path = "/v1/agents/" + segment(name) + (reason == null ? "" : "?reason=" + segment(reason));
            return print(spec, json, node.client(System.getenv(), json).delete(path));
        }
    }

    /** {@code mandate agent join-token}. */
    @Command(
            name = "join-token",
            mixinStandardHelpOptions = true,
            header = "Create a one-time join token an agent exchanges for its SVIDs at POST /v1/svid.",
            description = {
                "",
                "The token is printed once and stored only as a digest; it expires after svid.join-token-ttl."
            })
    static final class JoinToken implements Callable<Integer> {
        @Spec
        CommandSpec spec = CommandSpec.create();

        @Mixin
        NodeOptions node = new NodeOptions();

        @Parameters(index = "0", paramLabel = "<name>")
        String name = "";

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = json();
            return print(
                    spec,
                    json,
                    node.client(System.getenv(), json).post("/v1/agents/" + segment(name) + "/join-tokens", Map.of()));
        }
    }
}
