package dev.mandate.cedar;

import dev.mandate.cedar.internal.ast.PolicyAst;
import dev.mandate.cedar.internal.ast.Scope;
import dev.mandate.cedar.internal.eval.Engine;
import dev.mandate.cedar.internal.parse.Parser;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An immutable set of policies, templates and template links, compiled and indexed once so that
 * authorization only evaluates the policies whose scope can match. Safe to share between threads.
 */
public final class PolicySet {
    private final Map<String, Policy> byId;
    private final Engine engine;

    private PolicySet(Map<String, Policy> byId) {
        this.byId = byId;
        List<Engine.Compiled> compiled = new ArrayList<>();
        for (Policy p : byId.values()) {
            if (!p.isTemplate()) {
                PolicyAst a = p.ast();
                compiled.add(new Engine.Compiled(
                        p.id(), a.effect(), a.principal(), a.action(), a.resource(), a.condition()));
            }
        }
        this.engine = new Engine(compiled);
    }

    /**
     * Parses policy text with the default limits; policies get the ids {@code policy0}, {@code policy1}, ...
     * in written order.
     *
     * @param text zero or more policies and templates
     * @return the set
     * @throws CedarParseException on the first syntax error
     */
    public static PolicySet parse(String text) {
        return parse(text, Limits.DEFAULTS);
    }

    /**
     * Parses policy text; policies get the ids {@code policy0}, {@code policy1}, ... in written order.
     *
     * @param text zero or more policies and templates
     * @param limits size and depth limits
     * @return the set
     * @throws CedarParseException on the first syntax error or a broken limit
     */
    public static PolicySet parse(String text, Limits limits) {
        List<PolicyAst> asts = Parser.parsePolicies(text, limits);
        Map<String, Policy> byId = new LinkedHashMap<>();
        for (int i = 0; i < asts.size(); i++) {
            String id = "policy" + i;
            byId.put(id, new Policy(id, asts.get(i), null));
        }
        return new PolicySet(byId);
    }

    /**
     * Builds a set from policies with explicit ids.
     *
     * @param policies the policies and templates
     * @return the set
     * @throws CedarException if an id repeats
     */
    public static PolicySet of(Collection<Policy> policies) {
        Map<String, Policy> byId = new LinkedHashMap<>();
        for (Policy p : policies) {
            if (byId.putIfAbsent(p.id(), p) != null) {
                throw new CedarException("policy id " + p.id() + " appears more than once");
            }
        }
        return new PolicySet(byId);
    }

    /**
     * Returns a new set with one more policy: the template {@code templateId} with its slots filled.
     *
     * @param templateId the template's id
     * @param newId the id of the link
     * @param slots entities for {@code ?principal} and/or {@code ?resource}, keyed with the question mark
     * @return the new set
     * @throws CedarException if the template is unknown, the id is taken, or slots are missing or extra
     */
    public PolicySet link(String templateId, String newId, Map<String, EntityUid> slots) {
        Policy t = byId.get(templateId);
        if (t == null || !t.isTemplate()) {
            throw new CedarException("no template with id " + templateId);
        }
        if (byId.containsKey(newId)) {
            throw new CedarException("policy id " + newId + " is already in the set");
        }
        Map<String, EntityUid> left = new LinkedHashMap<>(slots);
        PolicyAst a = t.ast();
        PolicyAst linked = new PolicyAst(
                a.effect(),
                a.annotations(),
                fill(a.principal(), left),
                a.action(),
                fill(a.resource(), left),
                a.condition(),
                a.line(),
                a.column());
        if (!left.isEmpty()) {
            throw new CedarException("template " + templateId + " has no slot "
                    + left.keySet().iterator().next());
        }
        Map<String, Policy> copy = new LinkedHashMap<>(byId);
        copy.put(newId, new Policy(newId, linked, templateId));
        return new PolicySet(copy);
    }

    private static Scope fill(Scope s, Map<String, EntityUid> slots) {
        return switch (s) {
            case Scope.Eq eq -> eq.slot() == null ? s : new Scope.Eq(take(eq.slot(), slots), null);
            case Scope.In in -> fillIn(in, slots);
            case Scope.Is is -> is.in() == null ? s : new Scope.Is(is.entityType(), fillIn(is.in(), slots));
            case Scope.Any any -> s;
            case Scope.InSet set -> s;
        };
    }

    private static Scope.In fillIn(Scope.In in, Map<String, EntityUid> slots) {
        String slot = in.slot();
        return slot == null ? in : new Scope.In(take(slot, slots), null);
    }

    private static EntityUid take(String slot, Map<String, EntityUid> slots) {
        EntityUid uid = slots.remove(slot);
        if (uid == null) {
            throw new CedarException("slot " + slot + " needs an entity to link the template");
        }
        return uid;
    }

    /**
     * Returns one policy, template or link.
     *
     * @param id the id
     * @return the policy, or null
     */
    public @Nullable Policy get(String id) {
        return byId.get(id);
    }

    /**
     * Returns every policy, template and link in insertion order.
     *
     * @return the policies
     */
    public Collection<Policy> policies() {
        return byId.values();
    }

    Engine engine() {
        return engine;
    }
}
