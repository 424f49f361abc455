package dev.mandate.cedar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.cedar.schema.Schema;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class CedarJsonTest {
    private static final Schema SCHEMA = Schema.parseCedar("""
            namespace App {
              entity Team;
              entity User in [Team] { ip: ipaddr, manager?: User, score: decimal } tags String;
              entity Doc;
              action read appliesTo { principal: [User], resource: [Doc], context: { at: datetime, hops: Long } };
              action write in [read] appliesTo { principal: [User], resource: [Doc], context: {} };
            }
            """);
    private static final String ENTITIES = """
            [{"uid": {"type": "App::User", "id": "a"},
              "attrs": {"ip": "10.0.0.1", "manager": {"type": "App::User", "id": "b"}, "score": "1.25"},
              "parents": [{"type": "App::Team", "id": "t"}], "tags": {"role": "admin"}},
             {"uid": {"type": "App::Team", "id": "t"}, "attrs": {}, "parents": []}]
            """;

    @Test
    void withASchemaExtensionValuesMayBePlainStringsAndActionsComeFromTheSchema() {
        Entities e = CedarJson.entities(ENTITIES, SCHEMA);
        Entity a = java.util.Objects.requireNonNull(e.get(EntityUid.of("App::User", "a")));
        assertThat(a.attributes().get("ip")).isEqualTo(ExtensionValue.parse("ip", "10.0.0.1"));
        assertThat(a.attributes().get("manager")).isEqualTo(EntityUid.of("App::User", "b"));
        assertThat(a.attributes().get("score")).isEqualTo(ExtensionValue.parse("decimal", "1.25"));
        assertThat(a.tags()).containsEntry("role", new StringValue("admin"));
        assertThat(e.isIn(EntityUid.of("App::Action", "write"), EntityUid.of("App::Action", "read")))
                .isTrue();
    }

    @Test
    void withoutASchemaEscapesAreNeeded() {
        Value v = CedarJson.value(
                "{\"e\": {\"__entity\": {\"type\": \"A\", \"id\": \"1\"}}, \"x\": {\"__extn\": {\"fn\": \"ip\", \"arg\": \"::1\"}},"
                        + " \"r\": {\"type\": \"A\", \"id\": \"1\"}, \"s\": [1, 1, 2]}");
        assertThat(v).isInstanceOf(RecordValue.class);
        RecordValue r = (RecordValue) v;
        assertThat(r.get("e")).isEqualTo(EntityUid.of("A", "1"));
        assertThat(r.get("x")).isEqualTo(ExtensionValue.parse("ip", "::1"));
        assertThat(r.get("r")).isInstanceOf(RecordValue.class);
        assertThat(r.get("s")).isEqualTo(SetValue.of(java.util.List.of(new LongValue(1), new LongValue(2))));
    }

    @Test
    void entitiesThatDoNotConformToTheSchemaAreRejected() {
        assertThatThrownBy(() -> CedarJson.entities(
                        "[{\"uid\": {\"type\": \"App::User\", \"id\": \"a\"}, \"attrs\": {\"ip\": 5, \"score\": \"1\"}}]",
                        SCHEMA))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("ip");
        assertThatThrownBy(() -> CedarJson.entities("[{\"uid\": {\"type\": \"Nope\", \"id\": \"a\"}}]", SCHEMA))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("does not declare");
    }

    @Test
    void contextIsReadByTheActionsContextTypeAndRequestsAreValidated() {
        EntityUid read = EntityUid.of("App::Action", "read");
        RecordValue ctx = CedarJson.context("{\"at\": \"2024-01-01\", \"hops\": 2}", SCHEMA, read);
        assertThat(ctx.get("at")).isEqualTo(ExtensionValue.parse("datetime", "2024-01-01"));

        new Request(EntityUid.of("App::User", "a"), read, EntityUid.of("App::Doc", "d"), ctx).validate(SCHEMA);
        assertThatThrownBy(() -> new Request(EntityUid.of("App::Doc", "x"), read, EntityUid.of("App::Doc", "d"), ctx)
                        .validate(SCHEMA))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("principal App::Doc::\"x\"");
        assertThatThrownBy(() -> new Request(
                                EntityUid.of("App::User", "a"),
                                read,
                                EntityUid.of("App::Doc", "d"),
                                new RecordValue(Map.of("hops", new LongValue(1))))
                        .validate(SCHEMA))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("required attribute \"at\"");
        assertThatThrownBy(() -> new Request(
                                EntityUid.of("App::User", "a"),
                                EntityUid.of("App::Action", "nope"),
                                EntityUid.of("App::Doc", "d"),
                                RecordValue.EMPTY)
                        .validate(SCHEMA))
                .isInstanceOf(CedarException.class)
                .hasMessageContaining("not declared");
    }
}
