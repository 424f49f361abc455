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
import picocli.CommandLine.Spec;

/** {@code mandate token}: the admin opens a mandate for a registered agent and gets its token (tests, demos). */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Open a mandate for a registered agent and print its token (admin only).",
        description = {
            "",
            "For tests and demos: skips the agent's own authentication, but the agent must",
            "be active and allowed the purpose, and tier limits apply. Calls POST /v1/tokens.",
            "The token is printed once; it is a credential: do not log it.",
            ""
        },
        footer = {"", "Example:", "  mandate token --agent support-bot --purpose support --tool crm.read --ttl 600"})
final class TokenCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions node = new NodeOptions();

    @Option(names = "--agent", required = true, description = "The agent's name.")
    String agent = "";

    @Option(names = "--purpose", required = true, description = "One of the agent's purposes.")
    String purpose = "";

    @Option(names = "--tool", paramLabel = "<tool>", description = "A tool the mandate may call; repeat for more.")
    List<String> tools = new ArrayList<>();

    @Option(names = "--resource", paramLabel = "<resource>", description = "A resource it may read; repeat.")
    List<String> resources = new ArrayList<>();

    @Option(names = "--ttl", description = "Seconds between heartbeats (default: the tier's maximum).")
    @Nullable
    Integer ttl;

    @Option(names = "--jkt", description = "Bind the token to this DPoP key thumbprint (default: bearer).")
    @Nullable
    String jkt;

    TokenCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public Integer call() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("agent", agent);
        body.put("purpose", purpose);
        body.put("tools", tools);
        body.put("resources", resources);
        if (ttl != null) {
            body.put("ttl", Integer.toString(ttl));
        }
        if (jkt != null) {
            body.put("jkt", jkt);
        }
        ObjectMapper json = AgentCommand.json();
        return AgentCommand.print(spec, json, node.client(System.getenv(), json).post("/v1/tokens", body));
    }
}
