package dev.mandate.cedar.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.mandate.cedar.schema.SchemaType.BoolType;
import dev.mandate.cedar.schema.SchemaType.EntityType;
import dev.mandate.cedar.schema.SchemaType.ExtensionType;
import dev.mandate.cedar.schema.SchemaType.LongType;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.cedar.schema.SchemaType.SetType;
import dev.mandate.cedar.schema.SchemaType.StringType;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class SchemaTest {
    private static final String PHOTOS = """
            // PhotoFlash, with most of the syntax in one place
            @doc("photo sharing")
            namespace PhotoFlash {
              type Meta = { "created by": User, tags?: Set<String> };
              entity User, Admin in [UserGroup] = {
                @doc("the department") department: String,
                level: Long,
                meta?: Meta,
              } tags Bool;
              entity UserGroup;
              entity Album in Album { private: Bool, ip: ipaddr, score: __cedar::decimal };
              entity Photo in [Album] { taken: datetime, length: duration };
              entity Color enum ["red", "green"];
              action "view", edit in ["manage"] appliesTo {
                principal: [User, Admin],
                resource: Photo,
                context: Ctx,
              };
              action manage;
              action share in [PhotoFlash::Action::"manage", view] appliesTo { principal: User, resource: Album };
              type Ctx = { authenticated: Bool };
            }
            """;

    @Test
    void readsEntitiesActionsAndInlinesCommonTypes() {
        Schema schema = Schema.parseCedar(PHOTOS);
        assertThat(schema.entityTypes().keySet())
                .containsExactly(
                        "PhotoFlash::User",
                        "PhotoFlash::Admin",
                        "PhotoFlash::UserGroup",
                        "PhotoFlash::Album",
                        "PhotoFlash::Photo",
                        "PhotoFlash::Color");
        EntityTypeDecl user = entity(schema, "PhotoFlash::User");
        assertThat(user.memberOfTypes()).containsExactly("PhotoFlash::UserGroup");
        assertThat(user.tags()).isEqualTo(new BoolType());
        assertThat(user.enumIds()).isNull();
        assertThat(user.shape().attributes())
                .containsExactly(
                        Map.entry("department", new Attribute(new StringType(), true)),
                        Map.entry("level", new Attribute(new LongType(), true)),
                        Map.entry(
                                "meta",
                                new Attribute(
                                        new RecordType(
                                                Map.of(
                                                        "created by",
                                                        new Attribute(new EntityType("PhotoFlash::User"), true),
                                                        "tags",
                                                        new Attribute(new SetType(new StringType()), false)),
                                                false),
                                        false)));
        assertThat(entity(schema, "PhotoFlash::Album").shape().attributes())
                .containsEntry("ip", new Attribute(new ExtensionType("ipaddr"), true))
                .containsEntry("score", new Attribute(new ExtensionType("decimal"), true));
        assertThat(entity(schema, "PhotoFlash::Color").enumIds()).containsExactly("red", "green");

        ActionRef view = new ActionRef("PhotoFlash::Action", "view");
        ActionDecl viewDecl = action(schema, view);
        assertThat(viewDecl.memberOf()).containsExactly(new ActionRef("PhotoFlash::Action", "manage"));
        assertThat(viewDecl.principalTypes()).containsExactly("PhotoFlash::User", "PhotoFlash::Admin");
        assertThat(viewDecl.resourceTypes()).containsExactly("PhotoFlash::Photo");
        assertThat(viewDecl.context().attributes()).containsOnlyKeys("authenticated");
        ActionDecl manage = action(schema, new ActionRef("PhotoFlash::Action", "manage"));
        assertThat(manage.principalTypes()).isEmpty();
        assertThat(manage.context()).isEqualTo(RecordType.EMPTY);
        assertThat(action(schema, new ActionRef("PhotoFlash::Action", "share")).memberOf())
                .containsExactly(new ActionRef("PhotoFlash::Action", "manage"), view);
    }

    /** A schema, the attribute {@code E.a} (or {@code NS::E.a}) to look at, and the type it must resolve to. */
    record Resolution(String schema, String entity, SchemaType expected) {}

    static Stream<Resolution> resolutions() {
        return Stream.of(
                // common type beats entity type of the same name
                new Resolution("entity T; type T = Long; entity E { a: T };", "E", new LongType()),
                // a namespace's own declaration beats the empty namespace's builtin
                new Resolution(
                        "namespace N { entity E { a: ipaddr }; type ipaddr = String; }", "N::E", new StringType()),
                // an entity type may take a builtin's name; the builtin stays reachable through __cedar
                new Resolution("entity Long; entity E { a: Long };", "E", new EntityType("Long")),
                new Resolution("entity Long; entity E { a: __cedar::Long };", "E", new LongType()),
                // unqualified names fall back to the empty namespace
                new Resolution("entity U; namespace N { entity E { a: U }; }", "N::E", new EntityType("U")),
                new Resolution("type C = Bool; namespace N { entity E { a: C }; }", "N::E", new BoolType()),
                // qualified names are absolute
                new Resolution(
                        "namespace N { entity E { a: M::X }; } namespace M { entity X; }",
                        "N::E",
                        new EntityType("M::X")),
                // common types may refer to each other in any order
                new Resolution(
                        "type A = Set<B>; type B = { x: duration }; entity E { a: A };",
                        "E",
                        new SetType(new RecordType(
                                Map.of("x", new Attribute(new ExtensionType("duration"), true)), false))),
                // entity types named like keywords are fine
                new Resolution("entity Set; entity E { a: Set };", "E", new EntityType("Set")));
    }

    @ParameterizedTest
    @MethodSource("resolutions")
    void resolvesNamesLikeTheReference(Resolution c) {
        Schema schema = Schema.parseCedar(c.schema());
        assertThat(entity(schema, c.entity()).shape().attributes())
                .containsEntry("a", new Attribute(c.expected(), true));
    }

    /** A schema the reference rejects, and where and why. */
    record Rejected(String schema, int line, int column, String message) {}

    static Stream<Rejected> rejected() {
        return Stream.of(
                new Rejected("entity E { a: Nope };", 1, 15, "undefined type `Nope`"),
                new Rejected("entity E in F;", 1, 13, "undefined entity type `F`"),
                new Rejected("type C = Long; entity E in C;", 1, 28, "undefined entity type `C`"),
                new Rejected("entity E;\nentity E;", 2, 8, "entity type `E` is declared more than once"),
                new Rejected("entity A, A;", 1, 11, "declared more than once"),
                new Rejected("type T = Long;\ntype T = String;", 2, 6, "common type `T` is declared more than once"),
                new Rejected("action a;\naction \"a\";", 2, 8, "action Action::\"a\" is declared more than once"),
                new Rejected(
                        "namespace A { entity X; }\nnamespace A { entity Y; }",
                        2,
                        1,
                        "namespace `A` is declared more than once"),
                new Rejected("type A = B;\ntype B = { x: A };", 1, 6, "cycle in common type references"),
                new Rejected("type T = T;", 1, 6, "cycle in common type references: T -> T"),
                new Rejected("action a in b;", 1, 13, "undeclared action Action::\"b\""),
                new Rejected("action a in b;\naction b in a;", 1, 8, "cycle in the action hierarchy"),
                new Rejected("action a in a;", 1, 8, "cycle in the action hierarchy containing Action::\"a\""),
                new Rejected("entity U;\nnamespace N { entity U; }", 2, 22, "`N::U` shadows `U`"),
                new Rejected("type U = Long;\nnamespace N { entity U; }", 2, 22, "`N::U` shadows `U`"),
                new Rejected("action a;\nnamespace N { action a; }", 2, 22, "shadows Action::\"a\""),
                new Rejected("entity U;\naction a appliesTo { resource: U };", 2, 10, "missing `principal`"),
                new Rejected("entity U;\naction a appliesTo { principal: U };", 2, 10, "missing `resource`"),
                new Rejected(
                        "entity U; action a appliesTo { principal: [], resource: U };",
                        1,
                        32,
                        "`principal` of action `a` is `[]`"),
                new Rejected(
                        "entity U; action a appliesTo { principal: U, principal: U, resource: U };",
                        1,
                        46,
                        "duplicate `principal` declaration"),
                new Rejected(
                        "entity U; type C = Long; action a appliesTo { principal: U, resource: U, context: C };",
                        1,
                        74,
                        "the context of action Action::\"a\" must be a record, not Long"),
                new Rejected(
                        "entity U; action a appliesTo { principal: U, resource: U, context: U };",
                        1,
                        59,
                        "undefined type `U`: no common type or builtin"),
                new Rejected("type Long = String;", 1, 6, "common type name `Long` is a reserved schema keyword"),
                new Rejected("type Set = String;", 1, 6, "reserved schema keyword"),
                new Rejected("entity Action;", 1, 8, "`Action` is the type of the namespace's actions"),
                new Rejected("namespace __cedar { entity X; }", 1, 1, "reserved `__cedar` namespace"),
                new Rejected("entity in;", 1, 8, "`in` is a reserved identifier"),
                new Rejected("entity E { if: Long };", 1, 12, "`if` is a reserved identifier"),
                new Rejected("entity E { a: __cedar::Foo };", 1, 15, "undefined type `__cedar::Foo`"),
                new Rejected("entity E enum [];", 1, 16, "unexpected `]`; expected a string literal"),
                new Rejected("entity G; entity E in G enum [\"a\"];", 1, 25, "unexpected `enum`"),
                new Rejected("entity E {};;", 1, 13, "unexpected `;`"),
                new Rejected("/* c */ entity E;", 1, 1, "invalid character `/`"),
                new Rejected("entity E { a: Long", 1, 19, "unexpected end of input; expected `}`"),
                new Rejected("entity E { a: String } tags;", 1, 28, "unexpected `;`"),
                new Rejected("entity E in [F,]; entity F;", 1, 16, "unexpected `]`"),
                new Rejected("@doc(\"a\") @doc(\"b\") entity E;", 1, 12, "duplicate annotation `@doc`"),
                new Rejected("entity E { a: \"x };", 1, 15, "string literal is not closed"),
                new Rejected("entity E { \"\\q\": Long };", 1, 13, "invalid escape `\\q`"),
                new Rejected("entity E enum [\"\\x80\"];", 1, 17, "two hex digits up to 7f"),
                new Rejected("entity E enum [\"\\x4\"];", 1, 17, "two hex digits up to 7f"),
                new Rejected("entity E enum [\"\\u{_41}\"];", 1, 17, "1 to 6 hex digits"),
                new Rejected("entity E enum [\"\\u{0000041}\"];", 1, 17, "1 to 6 hex digits"),
                new Rejected("entity E enum [\"\\u{D800}\"];", 1, 17, "not a Unicode scalar value"),
                new Rejected(
                        "namespace A::B { entity E; }\nnamespace A { entity F in B::E; }",
                        2,
                        27,
                        "undefined entity type `B::E`"),
                new Rejected(
                        "entity E { a: Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<"
                                + "Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Set<Long"
                                + ">>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>> };",
                        1,
                        1,
                        "nested more than 32 levels"));
    }

    @ParameterizedTest
    @MethodSource("rejected")
    void rejectsWhatTheReferenceRejectsWithThePosition(Rejected c) {
        assertThatThrownBy(() -> Schema.parseCedar(c.schema()))
                .isInstanceOfSatisfying(SchemaParseException.class, e -> {
                    assertThat(e.getMessage()).contains(c.message());
                    if (!c.message().startsWith("nested")) {
                        assertThat(e.line() + ":" + e.column()).isEqualTo(c.line() + ":" + c.column());
                    }
                });
    }

    @Test
    void unescapesStringsAsTheReference() {
        Schema schema = Schema.parseCedar(
                "entity E enum [\"\\x41\\x7f\", \"\\u{1_F600}\\u{e9}\", \"\\n\\r\\t\\0\\\\\\\"\\'\"];");
        assertThat(entity(schema, "E").enumIds()).containsExactly("A\u007f", "\uD83D\uDE00\u00e9", "\n\r\t\0\\\"'");
    }

    @Test
    void refusesTextBeyondTheSizeLimit() {
        String big = "entity E;" + " ".repeat(Schema.MAX_INPUT_CHARS);
        assertThatThrownBy(() -> Schema.parseCedar(big))
                .isInstanceOf(SchemaParseException.class)
                .hasMessageContaining("Schema.MAX_INPUT_CHARS");
        assertThatThrownBy(() -> Schema.parseJson(big))
                .isInstanceOf(SchemaParseException.class)
                .hasMessageContaining("Schema.MAX_INPUT_CHARS");
    }

    @Test
    void jsonFormGivesTheSameModelAsTheCedarForm() {
        String json = """
                {"PhotoFlash": {
                  "annotations": {"doc": "photo sharing"},
                  "commonTypes": {
                    "Meta": {"type": "Record", "attributes": {
                      "created by": {"type": "Entity", "name": "User"},
                      "tags": {"type": "Set", "element": {"type": "String"}, "required": false}}},
                    "Ctx": {"type": "Record", "attributes": {"authenticated": {"type": "Boolean"}}}
                  },
                  "entityTypes": {
                    "User": {"memberOfTypes": ["UserGroup"], "tags": {"type": "Boolean"},
                      "shape": {"type": "Record", "attributes": {
                        "department": {"type": "String", "annotations": {"doc": "the department"}},
                        "level": {"type": "Long"},
                        "meta": {"type": "Meta", "required": false}}}},
                    "Admin": {"memberOfTypes": ["UserGroup"], "tags": {"type": "EntityOrCommon", "name": "Bool"},
                      "shape": {"type": "Record", "attributes": {
                        "department": {"type": "String"},
                        "level": {"type": "EntityOrCommon", "name": "Long"},
                        "meta": {"type": "EntityOrCommon", "name": "Meta", "required": false}}}},
                    "UserGroup": {},
                    "Album": {"memberOfTypes": ["Album"], "shape": {"type": "Record", "attributes": {
                      "private": {"type": "Boolean"}, "ip": {"type": "Extension", "name": "ipaddr"},
                      "score": {"type": "EntityOrCommon", "name": "__cedar::decimal"}}}},
                    "Photo": {"memberOfTypes": ["PhotoFlash::Album"], "shape": {"type": "Record", "attributes": {
                      "taken": {"type": "Extension", "name": "datetime"},
                      "length": {"type": "Extension", "name": "duration"}}}},
                    "Color": {"enum": ["red", "green"]}
                  },
                  "actions": {
                    "view": {"memberOf": [{"id": "manage"}], "appliesTo": {
                      "principalTypes": ["User", "Admin"], "resourceTypes": ["Photo"], "context": {"type": "Ctx"}}},
                    "edit": {"memberOf": [{"id": "manage", "type": "Action"}], "appliesTo": {
                      "principalTypes": ["User", "Admin"], "resourceTypes": ["Photo"],
                      "context": {"type": "EntityOrCommon", "name": "Ctx"}}},
                    "manage": {},
                    "share": {"memberOf": [{"id": "manage", "type": "PhotoFlash::Action"}, {"id": "view"}],
                      "appliesTo": {"principalTypes": ["User"], "resourceTypes": ["Album"]}}
                  }
                }}
                """;
        assertThat(Schema.parseJson(json)).isEqualTo(Schema.parseCedar(PHOTOS));
    }

    @Test
    void toCedarRefusesOpenRecordsWhichNoSchemaTextCanDeclare() {
        Schema open = new Schema(
                Map.of("E", new EntityTypeDecl("E", Set.of(), new RecordType(Map.of(), true), null, null)), Map.of());
        assertThatThrownBy(open::toCedar)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("additionalAttributes");
    }

    record JsonRejected(String json, String message) {}

    static Stream<JsonRejected> jsonRejected() {
        return Stream.of(
                new JsonRejected("[]", "must be an object of namespaces"),
                new JsonRejected("{\"\": {\"entityTypes\": {}}}", "missing member \"actions\""),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {}, \"actions\": {}, \"extra\": 1}}", "unknown member \"extra\""),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"shape\": {\"type\": \"Long\"}}}, \"actions\": {}}}",
                        "the shape of entity type `E` must be a record, not Long"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"shape\": {\"type\": \"Nope\"}}}, \"actions\": {}}}",
                        "at \"\".entityTypes.E.shape: undefined type `Nope`"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"memberOfTypes\": [\"F\"]}}, \"actions\": {}}}",
                        "undefined entity type `F`"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {}, \"actions\": {\"a\": {\"memberOf\": [{\"id\": \"b\"}]}}}}",
                        "undeclared action Action::\"b\""),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {}, \"E\": {}}, \"actions\": {}}}", "Duplicate field"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"enum\": []}}, \"actions\": {}}}", "needs at least one id"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"shape\": {\"type\": \"Extension\", \"name\": \"ip\"}}},"
                                + " \"actions\": {}}}",
                        "unknown extension type `ip`"),
                new JsonRejected(
                        "{\"\": {\"commonTypes\": {\"A\": {\"type\": \"A\"}}, \"entityTypes\": {}, \"actions\": {}}}",
                        "cycle in common type references"),
                new JsonRejected("{\"a b\": {\"entityTypes\": {}, \"actions\": {}}}", "`a b` is not a valid namespace"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"shape\": {\"type\": \"Record\", \"attributes\": {},"
                                + " \"additionalAttributes\": true}}}, \"actions\": {}}}",
                        "is not supported by Cedar"),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"shape\": {\"type\": \"Record\"}}}, \"actions\": {}}}",
                        "missing member \"attributes\""),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"E\": {\"shape\": {\"type\": \"Record\", \"attributes\": {"
                                + "\"a\": {\"type\": \"Long\", \"name\": \"x\"}}}}}, \"actions\": {}}}",
                        "unknown member \"name\" in a type of kind \"Long\""),
                new JsonRejected(
                        "{\"\": {\"entityTypes\": {\"ipaddr\": {}, \"E\": {\"shape\": {\"type\": \"Record\","
                                + " \"attributes\": {\"a\": {\"type\": \"ipaddr\"}}}}}, \"actions\": {}}}",
                        "undefined type `ipaddr`"),
                new JsonRejected("{\"\": {", "Unexpected end-of-input"));
    }

    @ParameterizedTest
    @MethodSource("jsonRejected")
    void rejectsBadJsonSchemasNamingTheMember(JsonRejected c) {
        assertThatThrownBy(() -> Schema.parseJson(c.json()))
                .isInstanceOf(SchemaParseException.class)
                .hasMessageContaining(c.message());
    }

    @Test
    void modelIsImmutable() {
        Schema schema = Schema.parseCedar(PHOTOS);
        assertThatThrownBy(() -> schema.entityTypes().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> action(schema, new ActionRef("PhotoFlash::Action", "view"))
                        .principalTypes()
                        .add("X"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(Set.of(1))).hasSize(1);
    }

    @Test
    void toCedarParsesBackToAnEqualSchema() {
        Schema schema = Schema.parseCedar(PHOTOS);
        assertThat(Schema.parseCedar(schema.toCedar())).isEqualTo(schema);
    }

    private static EntityTypeDecl entity(Schema schema, String name) {
        return java.util.Objects.requireNonNull(schema.entityTypes().get(name), name);
    }

    private static ActionDecl action(Schema schema, ActionRef uid) {
        return java.util.Objects.requireNonNull(schema.actions().get(uid), uid.toString());
    }
}
