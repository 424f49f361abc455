package dev.mandate.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.ExtensionValue;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.SetValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.SchemaType;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class CedarInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String SCHEMA = """
            {"type": "object", "required": ["url", "amount"],
             "properties": {
               "url": {"type": "string"},
               "amount": {"type": "number"},
               "retries": {"type": "integer"},
               "dry": {"type": "boolean"},
               "tags": {"type": "array", "items": {"type": "string"}},
               "to": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}},
               "blob": {}}}
            """;

    @Test
    void anInputSchemaMapsToACedarRecordType() throws Exception {
        RecordType t = Objects.requireNonNull(CedarInput.inputType(JSON.readTree(SCHEMA)));
        assertThat(t.attributes()).containsOnlyKeys("url", "amount", "retries", "dry", "tags", "to");
        assertThat(t.attributes().get("url")).isEqualTo(new Attribute(new SchemaType.StringType(), true));
        assertThat(t.attributes().get("amount"))
                .isEqualTo(new Attribute(new SchemaType.ExtensionType("decimal"), true));
        assertThat(t.attributes().get("retries")).isEqualTo(new Attribute(new SchemaType.LongType(), false));
        assertThat(t.attributes().get("tags"))
                .isEqualTo(new Attribute(new SchemaType.SetType(new SchemaType.StringType()), false));
        assertThat(CedarInput.inputType(JSON.readTree("{\"type\": \"string\"}")))
                .isNull();
    }

    @Test
    void argumentsAreConvertedAsTheSchemaDeclaresAndMisfitsLeftOut() throws Exception {
        RecordType t = Objects.requireNonNull(CedarInput.inputType(JSON.readTree(SCHEMA)));
        RecordValue v = CedarInput.input(JSON.readTree("""
                        {"url": "https://x.example", "amount": 12.5, "retries": "three", "dry": true,
                         "tags": ["a", "b", 3], "to": {"name": "Ada"}, "extra": 1}
                        """), t);
        assertThat(v.attributes()).containsOnlyKeys("url", "amount", "dry", "tags", "to");
        assertThat(v.get("amount")).isEqualTo(ExtensionValue.parse("decimal", "12.5"));
        assertThat(v.get("tags")).isEqualTo(SetValue.of(List.of(new StringValue("a"), new StringValue("b"))));
        assertThat(v.get("dry")).isEqualTo(BoolValue.TRUE);
    }

    @Test
    void withoutASchemaArgumentsKeepTheirJsonShape() throws Exception {
        RecordValue v =
                CedarInput.input(JSON.readTree("{\"n\": 3, \"x\": 0.12345, \"s\": [\"a\"], \"z\": null}"), null);
        assertThat(v.get("n")).isEqualTo(new LongValue(3));
        assertThat(v.get("x")).isEqualTo(new StringValue("0.12345"));
        assertThat(v.attributes()).doesNotContainKey("z");
    }

    @ParameterizedTest(name = "{0} -> ''{1}''")
    @CsvSource(delimiter = '|', textBlock = """
            {"url": "https://Hooks.Example:8443/p"}   | hooks.example
            {"endpoint": "http://10.0.0.1/"}          | 10.0.0.1
            {"url": "not a uri"}                      | ''
            {"to": "x@example.com"}                   | ''
            """)
    void theDestinationHostComesFromAUrlArgument(String args, String host) throws Exception {
        assertThat(CedarInput.destinationHost(JSON.readTree(args))).isEqualTo(host);
    }
}
