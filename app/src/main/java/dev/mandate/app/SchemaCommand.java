package dev.mandate.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.cli.NodeOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mandate schema}: prints the Cedar schema a running node generated from its catalog and tool lists. */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        header = "Print the Cedar schema policies are written against.",
        description = {
            "",
            "Calls GET /v1/schema and prints the .cedarschema text: entity types Agent, Team,",
            "Person, McpServer; one action per upstream tool (Action::\"<server>.<tool>\") in its",
            "method group and label groups (Action::\"egress\", Action::\"reads:pii\", ...) and",
            "the context its policies see. See docs/policies.md.",
            ""
        },
        footer = {"", "Example:", "  mandate schema --server http://127.0.0.1:8080 > mandate.cedarschema"})
final class SchemaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    NodeOptions node = new NodeOptions();

    SchemaCommand() {
        this.spec = CommandSpec.create();
    }

    @Override
    public Integer call() {
        String text = node.client(System.getenv(), new ObjectMapper())
                .get("/v1/schema")
                .path("cedarschema")
                .asText("");
        spec.commandLine().getOut().print(text);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
