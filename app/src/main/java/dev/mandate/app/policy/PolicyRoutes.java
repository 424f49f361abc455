package dev.mandate.app.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.cedar.CedarException;
import dev.mandate.cedar.CedarJson;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.approval.Approval;
import dev.mandate.core.approval.ApprovalKey;
import dev.mandate.core.audit.AuditDigest;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.ToolHints;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.CallFacts;
import dev.mandate.core.policy.CallHistory;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.PolicyDecision;
import dev.mandate.core.policy.PolicyInfo;
import dev.mandate.core.policy.PolicySchema;
import dev.mandate.core.policy.PolicySnapshot;
import dev.mandate.core.policy.SchemaGenerator;
import dev.mandate.gateway.policy.CedarInput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.InstantSource;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code POST /v1/authorize}, {@code GET /v1/policies}, {@code GET /v1/schema}: the gateway's decisions for other
 * enforcement points, what is in force, and the Cedar schema policies are written against (as
 * {@code {"cedarschema": "<text>"}}).
 */
public final class PolicyRoutes implements RouteGroup {
    private static final ObjectMapper SORTED =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final PolicyServices services;
    private final AuthorizeSources sources;
    private final ObjectMapper json;
    private final InstantSource clock;

    /**
     * Creates the routes, with no mandates or tools to look up (requests give their facts inline).
     *
     * @param services the decision services
     * @param json the JSON mapper
     * @param clock the clock for mandate ages and approval expiry
     */
    public PolicyRoutes(PolicyServices services, ObjectMapper json, InstantSource clock) {
        this(services, AuthorizeSources.of(services), json, clock);
    }

    /**
     * Creates the routes.
     *
     * @param services the decision services
     * @param sources where {@code /v1/authorize} looks up mandates, flow labels, the catalog and tool input types
     * @param json the JSON mapper
     * @param clock the clock for mandate ages and approval expiry
     */
    public PolicyRoutes(PolicyServices services, AuthorizeSources sources, ObjectMapper json, InstantSource clock) {
        this.services = services;
        this.sources = sources;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/authorize", this::authorize);
        routes.get("/v1/policies", this::policies);
        routes.get("/v1/schema", ctx -> {
            ObjectNode out = json.createObjectNode();
            // The schema the policies in force are validated against, when the store validates.
            PolicySchema validated = services.store().schema();
            if (validated == null) {
                out.put(
                        "cedarschema",
                        SchemaGenerator.generate(services.tools()).toCedar());
            } else {
                out.put("cedarschema", validated.schema().toCedar());
                ArrayNode pending = out.putArray("pendingServers");
                validated.pendingServers().stream().sorted().forEach(pending::add);
            }
            ctx.json(out);
        });
    }

    private void policies(Context ctx) {
        PolicySnapshot s = services.store().current();
        ObjectNode out = json.createObjectNode();
        out.put("version", s.version());
        out.put("loadedAt", s.loadedAt().toString());
        out.put("lastError", services.store().lastError());
        ArrayNode list = out.putArray("policies");
        for (PolicyInfo p : s.all()) {
            list.addObject()
                    .put("id", p.id())
                    .put("file", p.location())
                    .put("effect", p.effect().name().toLowerCase(java.util.Locale.ROOT))
                    .put("approval", p.approver())
                    .put("redact", p.redact());
        }
        ctx.json(out);
    }

    private void authorize(Context ctx) {
        JsonNode body = body(ctx);
        if (body.has("principal") || body.has("action") || body.has("resource")) {
            Request request = new Request(
                    uid(body, "principal"), uid(body, "action"), uid(body, "resource"), context(body.path("context")));
            Entities entities = body.has("entities") ? CedarJson.entities(text(body.get("entities"))) : Entities.EMPTY;
            ctx.json(answer(services.engine().decide(request, entities), null));
            return;
        }
        ctx.json(authorizeCall(body));
    }

    private ObjectNode authorizeCall(JsonNode body) {
        String tool = required(body, "tool");
        String method = optionalText(body, "method", "tools/call");
        int dot = tool.indexOf('.');
        if (dot <= 0 || dot == tool.length() - 1) {
            throw bad("tool '" + tool + "' must be <server>.<tool>");
        }
        String server = tool.substring(0, dot);
        JsonNode given = body.get("arguments");
        if (given != null && !given.isObject()) {
            throw bad("'arguments' must be a JSON object, got "
                    + given.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        JsonNode arguments = given == null ? json.createObjectNode() : given;
        FlowLabels flow = labels(optionalText(body, "flow", ""));
        MandateFacts mandate;
        if (body.has("mandateId")) {
            String id = required(body, "mandateId");
            MandateFacts found = sources.mandates().mandate(id);
            if (found == null) {
                throw new MandateException(ErrorCode.NOT_FOUND, "mandate '" + id + "' is not known here");
            }
            LiveCheck live = sources.live().apply(id);
            if (!live.isLive()) {
                return deny("mandate " + id + " is not live: "
                        + live.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            }
            mandate = found;
            // What the mandate has read so far, joined with what the caller says flowed in: labels only grow.
            flow = flow.join(sources.flow().apply(id));
        } else {
            mandate = mandate(body);
        }
        AgentFacts agent = agent(body, mandate);
        Instant now = clock.instant();
        if (!mandate.inScope(tool)) {
            return deny(tool + " is outside the declared scope of mandate " + mandate.id());
        }
        CatalogEntry entry = sources.catalog().get().tool(server, tool.substring(dot + 1), ToolHints.NONE);
        Sensitivity clearance = mandate.clearance();
        if (clearance != null && entry.output().sensitivity().compareTo(clearance) > 0) {
            return deny("withheld: " + tool + " returns data labelled "
                    + entry.resultLabels().format()
                    + ", above the clearance '" + clearance.wireName() + "' of the principal mandate " + mandate.id()
                    + " acts for");
        }
        RecordType type = sources.inputTypes().apply(tool);
        RecordValue input = CedarInput.input(arguments, type);
        if (type != null) {
            requireFits(tool, arguments, type, input);
        }
        CallFacts facts = new CallFacts(
                agent,
                mandate,
                method,
                tool,
                server,
                entry,
                flow,
                input,
                false,
                CallHistory.EMPTY,
                CedarInput.destinationHost(arguments),
                now);
        PolicyDecision d = services.engine().decide(facts);
        Approval approval = null;
        if (d instanceof PolicyDecision.ApprovalRequired ask) {
            ApprovalKey key = new ApprovalKey(mandate.id(), tool, digest(arguments), ask.version());
            if (services.approvals().consume(key)) {
                d = services.engine().decide(facts.withApprovalGranted(true));
            } else {
                approval = services.approvals().request(key, ask.policyIds(), ask.approvers());
            }
        }
        return answer(d, approval);
    }

    /**
     * Refuses arguments that the tool's {@code inputSchema} declares with another type. The gateway leaves such a
     * member out of {@code context.input} (the upstream would refuse the call); an enforcement point asking here gets
     * told which member and value are wrong instead of a decision on arguments it did not mean.
     */
    private static void requireFits(String tool, JsonNode arguments, RecordType type, RecordValue input) {
        for (java.util.Map.Entry<String, JsonNode> member : arguments.properties()) {
            String name = member.getKey();
            if (type.attributes().containsKey(name) && input.get(name) == null) {
                String value = member.getValue().toString();
                throw bad("arguments." + name + " = " + (value.length() > 64 ? value.substring(0, 64) + "…" : value)
                        + " does not fit the type "
                        + typeName(type.attributes().get(name).type())
                        + " that the inputSchema of " + tool + " declares");
            }
        }
    }

    private static String typeName(dev.mandate.cedar.schema.SchemaType type) {
        if (type instanceof dev.mandate.cedar.schema.SchemaType.LongType) {
            return "Long";
        }
        if (type instanceof dev.mandate.cedar.schema.SchemaType.StringType) {
            return "String";
        }
        if (type instanceof dev.mandate.cedar.schema.SchemaType.BoolType) {
            return "Bool";
        }
        if (type instanceof dev.mandate.cedar.schema.SchemaType.SetType set) {
            return "Set<" + typeName(set.element()) + ">";
        }
        if (type instanceof RecordType) {
            return "record";
        }
        return type.getClass().getSimpleName().replace("Type", "");
    }

    private static FlowLabels labels(String text) {
        try {
            return FlowLabels.parse(text);
        } catch (MandateException e) {
            throw bad("'flow': " + e.getMessage());
        }
    }

    private static String optionalText(JsonNode node, String field, String otherwise) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return otherwise;
        }
        if (!v.isTextual()) {
            throw bad("'" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private ObjectNode deny(String reason) {
        ObjectNode out = json.createObjectNode();
        out.put("decision", "deny");
        out.putArray("policyIds");
        out.putArray("reasons").add(reason);
        out.putArray("obligations");
        out.putArray("errors");
        out.put("policyVersion", services.store().current().version());
        return out;
    }

    private ObjectNode answer(PolicyDecision d, @Nullable Approval approval) {
        ObjectNode out = json.createObjectNode();
        ArrayNode obligations = json.createArrayNode();
        ArrayNode errors = json.createArrayNode();
        ArrayNode reasons = json.createArrayNode();
        switch (d) {
            case PolicyDecision.Allow a -> {
                out.put("decision", "allow");
                a.redactions().forEach(p -> obligations.addObject().put("redact", p));
                reasons.add("permitted by " + String.join(", ", a.policyIds()));
            }
            case PolicyDecision.Deny x -> {
                out.put("decision", "deny");
                reasons.add(x.reason());
                x.errors().forEach(errors::add);
            }
            case PolicyDecision.ApprovalRequired r -> {
                out.put("decision", "approval-required");
                reasons.add("approval by " + String.join(", ", r.approvers()) + " required by "
                        + String.join(", ", r.policyIds()));
                if (approval != null) {
                    out.put("approvalId", approval.id());
                    out.put("approvalExpiresAt", approval.expiresAt().toString());
                }
            }
        }
        ArrayNode ids = out.putArray("policyIds");
        d.policyIds().forEach(ids::add);
        out.set("reasons", reasons);
        out.set("obligations", obligations);
        out.set("errors", errors);
        out.put("policyVersion", d.version());
        return out;
    }

    private MandateFacts mandate(JsonNode body) {
        JsonNode m = body.get("mandate");
        if (m == null || !m.isObject()) {
            String id = required(body, "mandateId");
            MandateFacts found = sources.mandates().mandate(id);
            if (found == null) {
                throw new MandateException(ErrorCode.NOT_FOUND, "mandate " + id + " is not live here");
            }
            return found;
        }
        Set<String> scope = new LinkedHashSet<>();
        m.path("scope").forEach(s -> scope.add(s.asText()));
        if (!m.has("scope")) {
            scope.add("*");
        }
        try {
            String onBehalfOf = m.path("onBehalfOf").asText("");
            return new MandateFacts(
                    required(m, "id"),
                    m.path("agentId").asText(body.path("agent").path("id").asText("")),
                    required(m, "purpose"),
                    Tier.parse(m.path("tier").asText("autonomous")),
                    m.path("depth").asInt(0),
                    onBehalfOf.isEmpty() ? null : onBehalfOf,
                    Instant.parse(required(m, "issuedAt")),
                    Instant.parse(required(m, "expiresAt")),
                    scope,
                    0,
                    onBehalfOf.isEmpty() ? null : Sensitivity.PUBLIC);
        } catch (DateTimeParseException e) {
            throw bad("mandate.issuedAt and mandate.expiresAt must be ISO-8601 instants: " + e.getParsedString());
        }
    }

    private AgentFacts agent(JsonNode body, MandateFacts mandate) {
        JsonNode a = body.get("agent");
        if (a == null || !a.isObject()) {
            AgentFacts found = sources.mandates().agent(mandate.agentId());
            if (found == null) {
                throw new MandateException(ErrorCode.NOT_FOUND, "agent '" + mandate.agentId() + "' is not known here");
            }
            return found;
        }
        String ownerType = a.path("ownerType").asText("team");
        if (!ownerType.equals("team") && !ownerType.equals("person")) {
            throw bad("agent.ownerType '" + ownerType + "' must be team or person");
        }
        return new AgentFacts(
                required(a, "id"),
                required(a, "owner"),
                ownerType.equals("team"),
                Tier.parse(a.path("tier").asText("autonomous")));
    }

    private JsonNode body(Context ctx) {
        try {
            JsonNode body = json.readTree(ctx.body());
            if (body == null || !body.isObject()) {
                throw bad("the body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw bad("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private EntityUid uid(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            throw bad("'" + field + "' is required in the Cedar form (principal, action, resource, context)");
        }
        try {
            return v.isTextual() ? EntityUid.parse(v.asText()) : CedarJson.entityUid(text(v));
        } catch (CedarException e) {
            throw bad("'" + field + "': " + e.getMessage());
        }
    }

    private dev.mandate.cedar.RecordValue context(JsonNode context) {
        if (context.isMissingNode()) {
            return dev.mandate.cedar.RecordValue.EMPTY;
        }
        try {
            return CedarJson.context(text(context));
        } catch (CedarException e) {
            throw bad("'context': " + e.getMessage());
        }
    }

    private String text(JsonNode node) {
        try {
            return json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
    }

    /** The same canonical digest the gateway binds approvals to: sorted members, no whitespace, SHA-256. */
    static String digest(JsonNode arguments) {
        try {
            Object plain = SORTED.convertValue(arguments, Object.class);
            return AuditDigest.of(SORTED.writeValueAsString(plain));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree always serialises", e);
        }
    }

    private static String required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw bad("'" + field + "' is required and must be a non-empty string");
        }
        return v.asText();
    }

    private static MandateException bad(String message) {
        return new MandateException(ErrorCode.BAD_REQUEST, message);
    }
}
