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
 * indexed by the entity or type its constraint names, as bitsets over the policies; a request ORs the
 * bitsets of its entity, that entity's ancestors and its type, ANDs the three dimensions, and evaluates
 * only the surviving candidates.
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
        int words = (policies.length + 63) / 64;
        principals = new Dimension(words);
        actions = new Dimension(words);
        resources = new Dimension(words);
        for (int i = 0; i < policies.length; i++) {
            principals.add(i, policies[i].principal());
            actions.add(i, policies[i].action());
            resources.add(i, policies[i].resource());
        }
    }

    /**
     * Decides a request.
     *
     * @param request the request
     * @param entities the entity store
     * @return the response
     */
    public Response authorize(Request request, Entities entities) {
        long[] cand = principals.candidates(request.principal(), entities);
        long[] a = actions.candidates(request.action(), entities);
        long[] r = resources.candidates(request.resource(), entities);
        Evaluator ev = new Evaluator(request, entities);
        List<String> permits = new ArrayList<>(4);
        List<String> forbids = new ArrayList<>(2);
        List<Response.PolicyError> errors = List.of();
        for (int w = 0; w < cand.length; w++) {
            long bits = cand[w] & a[w] & r[w];
            while (bits != 0) {
                int i = w * 64 + Long.numberOfTrailingZeros(bits);
                bits &= bits - 1;
                Compiled p = policies[i];
                if (!scope(p.principal(), request.principal(), entities)
                        || !scope(p.action(), request.action(), entities)
                        || !scope(p.resource(), request.resource(), entities)) {
                    continue;
                }
                Expr c = p.condition();
                boolean applies;
                if (c == null) {
                    applies = true;
                } else {
                    try {
                        applies = ev.evalBool(c);
                    } catch (EvalException | StackOverflowError e) {
                        if (errors.isEmpty()) {
                            errors = new ArrayList<>(2);
                        }
                        String msg =
                                e instanceof StackOverflowError ? "expression too deep to evaluate" : e.getMessage();
                        errors.add(new Response.PolicyError(p.id(), msg == null ? "error" : msg));
                        continue;
                    }
                }
                if (applies) {
                    (p.effect() == Effect.FORBID ? forbids : permits).add(p.id());
                }
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

    /** One scope dimension's index. */
    private static final class Dimension {
        private final int words;
        private final long[] wildcard;
        private final Map<Object, long[]> byKey = new HashMap<>();

        Dimension(int words) {
            this.words = words;
            this.wildcard = new long[words];
        }

        void add(int policy, Scope s) {
            switch (s) {
                case Scope.Any any -> set(wildcard, policy);
                case Scope.Eq eq -> key(eq.uid(), policy);
                case Scope.In in -> key(in.uid(), policy);
                case Scope.InSet set -> {
                    for (EntityUid u : set.uids()) {
                        key(u, policy);
                    }
                }
                case Scope.Is is -> {
                    if (is.in() != null) {
                        key(is.in().uid(), policy);
                    } else {
                        key(new TypeKey(is.entityType()), policy);
                    }
                }
            }
        }

        private void key(@Nullable Object k, int policy) {
            if (k != null) {
                set(byKey.computeIfAbsent(k, x -> new long[words]), policy);
            }
        }

        private static void set(long[] bits, int i) {
            bits[i >>> 6] |= 1L << (i & 63);
        }

        long[] candidates(EntityUid e, Entities entities) {
            long[] out = wildcard.clone();
            or(out, byKey.get(e));
            if (!byKey.isEmpty()) {
                or(out, byKey.get(new TypeKey(e.type())));
                for (EntityUid anc : entities.ancestors(e)) {
                    or(out, byKey.get(anc));
                }
            }
            return out;
        }

        private static void or(long[] out, long @Nullable [] bits) {
            if (bits != null) {
                for (int i = 0; i < out.length; i++) {
                    out[i] |= bits[i];
                }
            }
        }
    }
}
