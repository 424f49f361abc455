package dev.mandate.cedar.internal.eval;

import dev.mandate.cedar.Decision;
import dev.mandate.cedar.Effect;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.Response;
import dev.mandate.cedar.internal.ast.Expr;
import dev.mandate.cedar.internal.ast.Scope;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The authorizer's compiled form of a policy set. Each scope dimension (principal, action, resource) is
 * indexed by the entity or type its constraint names. A request counts, per dimension, the policies filed
 * under its entity, that entity's ancestors and its type (plus the unconstrained ones), walks the smallest
 * of the three lists in policy order, and evaluates only those candidates whose full scope matches.
 */
public final class Engine {
    /**
     * A policy ready to evaluate.
     *
     * @param id the policy id
     * @param effect permit or forbid
     * @param principal principal constraint, slots filled
     * @param action action constraint
     * @param resource resource constraint, slots filled
     * @param condition the condition, or null for none
     */
    public record Compiled(
            String id,
            Effect effect,
            Scope principal,
            Scope action,
            Scope resource,
            @Nullable Expr condition) {}

    private record TypeKey(String type) {}

    private final Compiled[] policies;
    private final Dimension principals;
    private final Dimension actions;
    private final Dimension resources;

    /**
     * Compiles policies; templates must already be linked.
     *
     * @param compiled the static policies and links
     */
    public Engine(List<Compiled> compiled) {
        this.policies = compiled.toArray(new Compiled[0]);
        Dimension.Builder p = new Dimension.Builder();
        Dimension.Builder a = new Dimension.Builder();
        Dimension.Builder r = new Dimension.Builder();
        for (int i = 0; i < policies.length; i++) {
            p.add(i, policies[i].principal());
            a.add(i, policies[i].action());
            r.add(i, policies[i].resource());
        }
        principals = p.build();
        actions = a.build();
        resources = r.build();
    }

    /**
     * Decides a request.
     *
     * @param request the request
     * @param entities the entity store
     * @return the response
     */
    public Response authorize(Request request, Entities entities) {
        int np = principals.count(request.principal(), entities);
        int na = actions.count(request.action(), entities);
        int nr = resources.count(request.resource(), entities);
        int[] cand;
        if (np <= na && np <= nr) {
            cand = principals.collect(request.principal(), entities, np);
        } else if (na <= nr) {
            cand = actions.collect(request.action(), entities, na);
        } else {
            cand = resources.collect(request.resource(), entities, nr);
        }
        Evaluator ev = new Evaluator(request, entities);
        List<String> permits = List.of();
        List<String> forbids = List.of();
        List<Response.PolicyError> errors = List.of();
        int last = -1;
        for (int i : cand) {
            if (i == last) {
                continue; // a policy filed under two of the request's keys
            }
            last = i;
            Compiled p = policies[i];
            if (!scope(p.principal(), request.principal(), entities)
                    || !scope(p.action(), request.action(), entities)
                    || !scope(p.resource(), request.resource(), entities)) {
                continue;
            }
            Expr c = p.condition();
            if (c != null) {
                try {
                    if (!ev.evalBool(c)) {
                        continue;
                    }
                } catch (EvalException | StackOverflowError e) {
                    if (errors.isEmpty()) {
                        errors = new ArrayList<>(2);
                    }
                    String msg = e instanceof StackOverflowError ? "expression too deep to evaluate" : e.getMessage();
                    errors.add(new Response.PolicyError(p.id(), msg == null ? "evaluation error" : msg));
                    continue;
                }
            }
            if (p.effect() == Effect.FORBID) {
                if (forbids.isEmpty()) {
                    forbids = new ArrayList<>(2);
                }
                forbids.add(p.id());
            } else {
                if (permits.isEmpty()) {
                    permits = new ArrayList<>(4);
                }
                permits.add(p.id());
            }
        }
        if (!forbids.isEmpty()) {
            return new Response(Decision.DENY, forbids, errors);
        }
        if (!permits.isEmpty()) {
            return new Response(Decision.ALLOW, permits, errors);
        }
        return new Response(Decision.DENY, List.of(), errors);
    }

    private static boolean scope(Scope s, EntityUid e, Entities entities) {
        return switch (s) {
            case Scope.Any any -> true;
            case Scope.Eq eq -> e.equals(eq.uid());
            case Scope.In in -> in.uid() != null && entities.isIn(e, in.uid());
            case Scope.InSet set -> {
                for (EntityUid u : set.uids()) {
                    if (entities.isIn(e, u)) {
                        yield true;
                    }
                }
                yield false;
            }
            case Scope.Is is -> e.type().equals(is.entityType()) && (is.in() == null || scope(is.in(), e, entities));
        };
    }

    /** One scope dimension's index: policy numbers, ascending, per key, and those without a constraint. */
    private static final class Dimension {
        private static final int[] NONE = new int[0];

        private final int[] wildcard;
        private final Map<Object, int[]> byKey;

        private Dimension(int[] wildcard, Map<Object, int[]> byKey) {
            this.wildcard = wildcard;
            this.byKey = byKey;
        }

        int count(EntityUid e, Entities entities) {
            int n = wildcard.length + get(e).length;
            if (!byKey.isEmpty()) {
                n += get(new TypeKey(e.type())).length;
                for (EntityUid anc : entities.ancestors(e)) {
                    n += get(anc).length;
                }
            }
            return n;
        }

        int[] collect(EntityUid e, Entities entities, int count) {
            int[] out = new int[count];
            int n = copy(wildcard, out, 0);
            n = copy(get(e), out, n);
            if (!byKey.isEmpty()) {
                n = copy(get(new TypeKey(e.type())), out, n);
                for (EntityUid anc : entities.ancestors(e)) {
                    n = copy(get(anc), out, n);
                }
            }
            // Policy order keeps reasons and errors in the order the policies were written.
            java.util.Arrays.sort(out, 0, n);
            return n == out.length ? out : java.util.Arrays.copyOf(out, n);
        }

        private int[] get(Object key) {
            int[] v = byKey.get(key);
            return v == null ? NONE : v;
        }

        private static int copy(int[] from, int[] to, int at) {
            System.arraycopy(from, 0, to, at, from.length);
            return at + from.length;
        }

        static final class Builder {
            private final List<Integer> wildcard = new ArrayList<>();
            private final Map<Object, List<Integer>> byKey = new HashMap<>();

            void add(int policy, Scope s) {
                switch (s) {
                    case Scope.Any any -> wildcard.add(policy);
                    case Scope.Eq eq -> key(eq.uid(), policy);
                    case Scope.In in -> key(in.uid(), policy);
                    case Scope.InSet set -> {
                        for (EntityUid u : new java.util.LinkedHashSet<>(set.uids())) {
                            key(u, policy);
                        }
                    }
                    case Scope.Is is -> {
                        Scope.In in = is.in();
                        if (in != null) {
                            key(in.uid(), policy);
                        } else {
                            key(new TypeKey(is.entityType()), policy);
                        }
                    }
                }
            }

            private void key(@Nullable Object k, int policy) {
                if (k != null) {
                    byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(policy);
                }
            }

            Dimension build() {
                Map<Object, int[]> keys = new HashMap<>();
                byKey.forEach((k, v) ->
                        keys.put(k, v.stream().mapToInt(Integer::intValue).toArray()));
                return new Dimension(
                        wildcard.stream().mapToInt(Integer::intValue).toArray(), keys);
            }
        }
    }
}
