package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mandate.app.cli.NodeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mandate status}: asks a running node what it is. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Show a running node's version, trust domain and store.",
        description = {"", "Calls GET /v1/status with the admin token and prints the answer as JSON.", ""},
        footer = {"", "Example:", "  mandate status --server http://127.0.0.1:8080 --token-file data/admin.token"})
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions node = new NodeOptions();

    StatusCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public Integer call() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        JsonNode status = node.client(System.getenv(), json).get("/v1/status");
        spec.commandLine().getOut().println(json.writeValueAsString(status));
        return 0;
    }
}
