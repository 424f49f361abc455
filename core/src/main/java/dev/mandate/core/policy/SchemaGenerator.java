package dev.mandate.core.policy;

import dev.mandate.cedar.schema.ActionDecl;
import dev.mandate.cedar.schema.ActionRef;
import dev.mandate.cedar.schema.Attribute;
import dev.mandate.cedar.schema.EntityTypeDecl;
import dev.mandate.cedar.schema.Schema;
import dev.mandate.cedar.schema.SchemaType;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Generates the Cedar schema of Mandate's MCP mapping from the tool signatures: the entity types {@code Team},
 * {@code Person}, {@code Agent} (in a team or person) and {@code McpServer}; the method groups and the label groups as
 * actions; and one action per tool in its groups, applying to agents on servers, with the context
 * {@link CedarMapping#context} builds and {@code input} typed from the tool's input schema.
 */
public final class SchemaGenerator {
    /** Label groups declared even when no tool is in them yet, so policies may name them. */
    static final List<String> STANDARD_GROUPS = List.of(
            "egress",
            "destructive",
            "untrusted",
            "store",
            "reads:internal",
            "reads:confidential",
            "reads:restricted",
            "reads:pii",
            "reads:phi",
            "reads:pci",
            "reads:secret");

    /**
     * The method groups, always declared: those of the agent's calls, and the actions an upstream's requests to the
     * agent are decided as ({@code sampling}, {@code elicitation}, {@code roots}).
     */
    static final List<String> METHOD_GROUPS =
            List.of("call_tool", "read_resource", "get_prompt", "sampling", "elicitation", "roots");

    private static final SchemaType STRING = new SchemaType.StringType();
    private static final SchemaType LONG = new SchemaType.LongType();
    private static final SchemaType BOOL = new SchemaType.BoolType();
    private static final SchemaType STRINGS = new SchemaType.SetType(STRING);

    private SchemaGenerator() {}

    /**
     * Generates the schema.
     *
     * @param tools the tools, resources and prompts the gateway fronts
     * @return the schema model; {@link Schema#toCedar()} gives the {@code .cedarschema} text
     */
    public static Schema generate(Collection<ToolSignature> tools) {
        return generate(tools, List.of());
    }

    /**
     * Generates the schema with further label groups declared, e.g. those the configured catalog entries put tools in
     * before any upstream has listed its tools.
     *
     * @param tools the tools, resources and prompts the gateway fronts
     * @param extraGroups further action groups to declare
     * @return the schema model
     */
    public static Schema generate(Collection<ToolSignature> tools, Collection<String> extraGroups) {
        Map<String, EntityTypeDecl> types = new LinkedHashMap<>();
        types.put(CedarMapping.TEAM, entity(CedarMapping.TEAM, Set.of(), Map.of()));
        types.put(CedarMapping.PERSON, entity(CedarMapping.PERSON, Set.of(), Map.of()));
        types.put(
                CedarMapping.AGENT,
                entity(
                        CedarMapping.AGENT,
                        new LinkedHashSet<>(List.of(CedarMapping.TEAM, CedarMapping.PERSON)),
                        record("owner", STRING, "tier", STRING).attributes()));
        types.put(
                CedarMapping.SERVER,
                entity(CedarMapping.SERVER, Set.of(), record("name", STRING).attributes()));

        TreeSet<String> groups = new TreeSet<>(STANDARD_GROUPS);
        groups.addAll(extraGroups);
        for (ToolSignature t : tools) {
            groups.addAll(t.entry().actionGroups());
        }
        Map<ActionRef, ActionDecl> actions = new LinkedHashMap<>();
        for (String g : METHOD_GROUPS) {
            addGroup(actions, g);
        }
        for (String g : groups) {
            addGroup(actions, g);
        }
        for (ToolSignature t : tools) {
            Set<ActionRef> memberOf = new LinkedHashSet<>();
            memberOf.add(ref(CedarMapping.methodGroup(t.method())));
            for (String g : t.entry().actionGroups()) {
                memberOf.add(ref(g));
            }
            ActionRef uid = ref(t.action());
            RecordType input = t.input();
            actions.put(
                    uid,
                    new ActionDecl(
                            uid,
                            memberOf,
                            Set.of(CedarMapping.AGENT),
                            Set.of(CedarMapping.SERVER),
                            context(input == null ? RecordType.EMPTY : input)));
        }
        return new Schema(types, actions);
    }

    /**
     * Returns the context type of a tool with the given input type.
     *
     * @param input the input type
     * @return the context record type
     */
    static RecordType context(RecordType input) {
        Map<String, Attribute> c = new LinkedHashMap<>();
        c.put("input", new Attribute(input, true));
        Map<String, Attribute> mandate = new LinkedHashMap<>();
        mandate.put("id", req(STRING));
        mandate.put("purpose", req(STRING));
        mandate.put("tier", req(STRING));
        mandate.put("depth", req(LONG));
        mandate.put("onBehalfOf", req(STRING));
        mandate.put("clearance", req(LONG));
        mandate.put("ageSeconds", req(LONG));
        mandate.put("remainingSeconds", req(LONG));
        c.put("mandate", req(new RecordType(mandate, false)));
        c.put("flow", req(record("labels", STRINGS, "sensitivity", LONG, "untrusted", BOOL)));
        c.put("approval", req(record("granted", BOOL)));
        c.put("history", req(record("calls", LONG, "toolsUsed", STRINGS, "denials", LONG)));
        Map<String, Attribute> tool = new LinkedHashMap<>();
        tool.put("labels", req(STRINGS));
        tool.put("sensitivity", req(LONG));
        tool.put("egress", req(BOOL));
        tool.put("destructive", req(BOOL));
        tool.put("untrusted", req(BOOL));
        tool.put("store", req(BOOL));
        c.put("tool", req(new RecordType(tool, false)));
        c.put("destination", req(record("host", STRING, "external", BOOL)));
        return new RecordType(c, false);
    }

    /**
     * Declares a group as an action that itself applies to agents on servers with an empty {@code input}: a policy on
     * a group (or on every action) then validates even before any tool of the group is known, and may use every part
     * of the context but {@code input}, whose shape only a tool knows.
     */
    private static void addGroup(Map<ActionRef, ActionDecl> actions, String name) {
        ActionRef uid = ref(name);
        actions.put(
                uid,
                new ActionDecl(
                        uid,
                        Set.of(),
                        Set.of(CedarMapping.AGENT),
                        Set.of(CedarMapping.SERVER),
                        context(RecordType.EMPTY)));
    }

    private static ActionRef ref(String id) {
        return new ActionRef(CedarMapping.ACTION, id);
    }

    private static EntityTypeDecl entity(String name, Set<String> memberOf, Map<String, Attribute> shape) {
        return new EntityTypeDecl(name, memberOf, new RecordType(shape, false), null, null);
    }

    private static Attribute req(SchemaType type) {
        return new Attribute(type, true);
    }

    private static RecordType record(Object... nameTypePairs) {
        Map<String, Attribute> m = new LinkedHashMap<>();
        for (int i = 0; i < nameTypePairs.length; i += 2) {
            m.put((String) nameTypePairs[i], req((SchemaType) nameTypePairs[i + 1]));
        }
        return new RecordType(m, false);
    }
}
