package dev.mandate.core.policy;

import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.Entity;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.SetValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.Category;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.Sensitivity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps a call onto a Cedar request the way cedar-for-agents and AgentCore Policy map MCP: the tool is the action
 * {@code Action::"<server>.<tool>"}, a member of its method group ({@code Action::"call_tool"},
 * {@code Action::"read_resource"}, {@code Action::"get_prompt"}) and of the action groups its catalog labels give
 * ({@code Action::"egress"}, {@code Action::"reads:pii"}, ...); the resource is {@code McpServer::"<server>"}; the
 * principal is {@code Agent::"<id>"} in its owner; the context holds {@code input} beside Mandate's {@code mandate},
 * {@code flow}, {@code approval}, {@code history}, {@code tool} and {@code destination}. {@link SchemaGenerator}
 * declares exactly these shapes.
 */
public final class CedarMapping {
    /** Entity type of agents (principals). */
    public static final String AGENT = "Agent";
    /** Entity type of upstream servers (resources). */
    public static final String SERVER = "McpServer";
    /** Entity type of teams. */
    public static final String TEAM = "Team";
    /** Entity type of people. */
    public static final String PERSON = "Person";
    /** Entity type of actions. */
    public static final String ACTION = "Action";

    private CedarMapping() {}

    /**
     * Returns the method group an MCP method's actions belong to. An upstream's requests to the agent
     * ({@code sampling/createMessage}, {@code elicitation/create}, {@code roots/list}) have no per-tool action: their
     * group ({@code sampling}, {@code elicitation}, {@code roots}) is the action itself, and the resource is the
     * upstream that asks.
     *
     * @param method {@code tools/call}, {@code resources/read}, {@code prompts/get}, or an upstream's request
     * @return {@code call_tool}, {@code read_resource}, {@code get_prompt}, {@code sampling}, {@code elicitation} or
     *     {@code roots}
     * @throws MandateException with {@code BAD_REQUEST} for any other method
     */
    public static String methodGroup(String method) {
        return switch (method) {
            case "tools/call" -> "call_tool";
            case "resources/read" -> "read_resource";
            case "prompts/get" -> "get_prompt";
            case "sampling/createMessage" -> "sampling";
            case "elicitation/create" -> "elicitation";
            case "roots/list" -> "roots";
            default ->
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "method '" + method
                                + "' has no Cedar mapping: expected tools/call, resources/read, prompts/get,"
                                + " sampling/createMessage, elicitation/create or roots/list");
        };
    }

    /**
     * Builds the Cedar request.
     *
     * @param facts the call
     * @return the request
     */
    public static Request request(CallFacts facts) {
        return new Request(
                EntityUid.of(AGENT, facts.agent().id()),
                EntityUid.of(ACTION, facts.action()),
                EntityUid.of(SERVER, facts.server()),
                context(facts));
    }

    /**
     * Builds the entities the request needs: the agent in its owner, the server, the action in its groups.
     *
     * @param facts the call
     * @return the entities
     */
    public static Entities entities(CallFacts facts) {
        List<Entity> all = new ArrayList<>();
        AgentFacts agent = facts.agent();
        EntityUid owner = EntityUid.of(agent.ownerType(), agent.owner());
        all.add(Entity.of(owner, Map.of(), Set.of()));
        all.add(Entity.of(
                EntityUid.of(AGENT, agent.id()),
                Map.of(
                        "owner",
                        new StringValue(agent.owner()),
                        "tier",
                        new StringValue(agent.tier().wireName())),
                Set.of(owner)));
        all.add(Entity.of(
                EntityUid.of(SERVER, facts.server()), Map.of("name", new StringValue(facts.server())), Set.of()));
        Set<EntityUid> groups = new LinkedHashSet<>();
        String methodGroup = methodGroup(facts.method());
        if (!methodGroup.equals(facts.action())) {
            // An upstream's request to the agent is its method group itself, not a member of it.
            groups.add(EntityUid.of(ACTION, methodGroup));
        }
        for (String g : facts.entry().actionGroups()) {
            groups.add(EntityUid.of(ACTION, g));
        }
        for (EntityUid g : groups) {
            all.add(Entity.of(g, Map.of(), Set.of()));
        }
        all.add(Entity.of(EntityUid.of(ACTION, facts.action()), Map.of(), groups));
        return Entities.of(all);
    }

    /**
     * Builds the context record.
     *
     * @param facts the call
     * @return {@code {input, mandate, flow, approval, history, tool, destination}}
     */
    public static RecordValue context(CallFacts facts) {
        MandateFacts m = facts.mandate();
        Map<String, Value> mandate = new LinkedHashMap<>();
        mandate.put("id", new StringValue(m.id()));
        mandate.put("purpose", new StringValue(m.purpose()));
        mandate.put("tier", new StringValue(m.tier().wireName()));
        mandate.put("depth", new LongValue(m.depth()));
        String onBehalfOf = m.onBehalfOf();
        mandate.put("onBehalfOf", new StringValue(onBehalfOf == null ? "" : onBehalfOf));
        // The principal's clearance on the scale of flow.sensitivity; acting for nobody, nothing is withheld (3).
        Sensitivity clearance = m.clearance();
        mandate.put("clearance", new LongValue(level(clearance == null ? Sensitivity.RESTRICTED : clearance)));
        mandate.put(
                "ageSeconds",
                new LongValue(
                        Math.max(0, Duration.between(m.issuedAt(), facts.at()).toSeconds())));
        mandate.put(
                "remainingSeconds",
                new LongValue(
                        Math.max(0, Duration.between(facts.at(), m.expiresAt()).toSeconds())));

        FlowLabels flow = facts.flow();
        Map<String, Value> flowRecord = new LinkedHashMap<>();
        flowRecord.put("labels", labelSet(flow));
        flowRecord.put("sensitivity", new LongValue(level(flow.sensitivity())));
        flowRecord.put("untrusted", BoolValue.of(flow.untrusted()));

        CallHistory h = facts.history();
        Map<String, Value> history = new LinkedHashMap<>();
        history.put("calls", new LongValue(h.calls()));
        history.put("toolsUsed", strings(h.toolsUsed()));
        history.put("denials", new LongValue(h.denials()));

        FlowLabels out = facts.entry().resultLabels();
        Map<String, Value> tool = new LinkedHashMap<>();
        tool.put("labels", labelSet(out));
        tool.put("sensitivity", new LongValue(level(out.sensitivity())));
        tool.put("egress", BoolValue.of(facts.entry().egress()));
        tool.put("destructive", BoolValue.of(facts.entry().destructive()));
        tool.put("untrusted", BoolValue.of(out.untrusted()));
        tool.put("store", BoolValue.of(facts.entry().store() != null));

        Map<String, Value> destination = new LinkedHashMap<>();
        destination.put("host", new StringValue(facts.destinationHost()));
        destination.put("external", BoolValue.of(facts.entry().egress()));

        Map<String, Value> context = new LinkedHashMap<>();
        context.put("input", facts.input());
        context.put("mandate", new RecordValue(mandate));
        context.put("flow", new RecordValue(flowRecord));
        context.put("approval", new RecordValue(Map.of("granted", BoolValue.of(facts.approvalGranted()))));
        context.put("history", new RecordValue(history));
        context.put("tool", new RecordValue(tool));
        context.put("destination", new RecordValue(destination));
        return new RecordValue(context);
    }

    /**
     * Returns labels as the set of words policies test with {@code contains}: every sensitivity from {@code internal}
     * up to the highest seen (so {@code contains("internal")} holds once anything internal or above was seen), each
     * category, and {@code untrusted}.
     *
     * @param labels the labels
     * @return e.g. {@code ["internal", "confidential", "pii", "untrusted"]}
     */
    public static SetValue labelSet(FlowLabels labels) {
        List<Value> words = new ArrayList<>();
        for (Sensitivity s : Sensitivity.values()) {
            if (s != Sensitivity.PUBLIC && s.compareTo(labels.sensitivity()) <= 0) {
                words.add(new StringValue(s.wireName()));
            }
        }
        for (Category c : labels.categories()) {
            words.add(new StringValue(c.name()));
        }
        if (labels.untrusted()) {
            words.add(new StringValue("untrusted"));
        }
        return SetValue.of(words);
    }

    /**
     * Returns a sensitivity as the number policies compare: public 0, internal 1, confidential 2, restricted 3.
     *
     * @param s the sensitivity
     * @return 0..3
     */
    public static long level(Sensitivity s) {
        return switch (s) {
            case PUBLIC -> 0;
            case INTERNAL -> 1;
            case CONFIDENTIAL -> 2;
            case RESTRICTED -> 3;
        };
    }

    private static SetValue strings(Set<String> values) {
        List<Value> out = new ArrayList<>(values.size());
        for (String v : values) {
            out.add(new StringValue(v));
        }
        return SetValue.of(out);
    }
}
