package dev.mandate.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mandate.cedar.schema.ActionDecl;
import dev.mandate.cedar.schema.ActionRef;
import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.schema.SchemaType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

final class SchemaGeneratorTest {
    private static List<ToolSignature> sample() {
        List<ToolSignature> tools = new ArrayList<>();
        Fixtures.CATALOG.forEach((name, entry) -> tools.add(new ToolSignature(
                "tools/call",
                name,
                name.substring(0, name.indexOf('.')),
                entry,
                name.equals("webhook.post")
                        ? new SchemaType.RecordType(
                                Map.of(
                                        "url", new Attribute(new SchemaType.StringType(), true),
                                        "retries", new Attribute(new SchemaType.LongType(), false)),
                                false)
                        : null)));
        return tools;
    }

    @Test
    void eachToolIsAnActionInItsMethodAndLabelGroups() {
        Schema schema = SchemaGenerator.generate(sample());
        ActionDecl post = Objects.requireNonNull(schema.actions().get(new ActionRef("Action", "webhook.post")));
        assertThat(post.memberOf())
                .containsExactlyInAnyOrder(new ActionRef("Action", "call_tool"), new ActionRef("Action", "egress"));
        assertThat(post.principalTypes()).containsExactly("Agent");
        assertThat(post.resourceTypes()).containsExactly("McpServer");
        assertThat(post.context().attributes())
                .containsOnlyKeys("input", "mandate", "flow", "approval", "history", "tool", "destination");
        ActionDecl crm = Objects.requireNonNull(schema.actions().get(new ActionRef("Action", "crm.get_customer")));
        assertThat(crm.memberOf())
                .contains(new ActionRef("Action", "reads:pii"), new ActionRef("Action", "reads:confidential"));
        assertThat(Objects.requireNonNull(schema.entityTypes().get("Agent")).memberOfTypes())
                .containsExactly("Team", "Person");
    }

    @Test
    void theSampleSchemaInTheDocsIsWhatTheGeneratorWrites() throws Exception {
        List<ToolSignature> tools = new ArrayList<>();
        new TreeMap<>(Fixtures.CATALOG)
                .forEach((name, entry) -> tools.add(new ToolSignature(
                        "tools/call",
                        name,
                        name.substring(0, name.indexOf('.')),
                        entry,
                        name.equals("webhook.post")
                                ? new SchemaType.RecordType(
                                        Map.of("url", new Attribute(new SchemaType.StringType(), true)), false)
                                : null)));
        Path docs = Path.of("..", "docs", "policies.md");
        assertThat(Files.readString(docs))
                .contains(SchemaGenerator.generate(tools).toCedar());
    }

    @Test
    void theCedarTextParsesBackToTheSameSchema() {
        Schema schema = SchemaGenerator.generate(sample());
        String text = schema.toCedar();
        assertThat(text).contains("\"webhook.post\"", "retries?: Long", "entity Agent in [Team, Person]");
        assertThat(Schema.parseCedar(text)).isEqualTo(schema);
    }
}
