package dev.mandate.core.mandate;

import dev.mandate.core.mandate.MandateRefused.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The rules of delegation: a child mandate is derived from its parent and never holds more. Its purpose is the
 * parent's; its tools, resources and label ceiling are subsets of the parent's; its call budget is at most the
 * parent's; it expires no later than the parent does now and can never be renewed past the parent's max lifetime;
 * its tier is the stricter of the parent's and the sub-agent's; it acts for the parent's principal; it starts with
 * the parent's flow labels; and its depth stays within the configured limit.
 */
public final class Attenuation {
    private Attenuation() {}

    /**
     * Derives a child mandate or refuses.
     *
     * @param parent the parent, as it stands now; the caller has checked it is live
     * @param request what the sub-agent asks for
     * @param now the current time
     * @param maxDepth the deepest delegation allowed
     * @param childId the id the child gets
     * @return the child, active
     * @throws MandateRefused naming the rule broken, what was asked and the parent's limit
     */
    public static Mandate derive(Mandate parent, DelegationRequest request, Instant now, int maxDepth, String childId) {
        int depth = parent.depth() + 1;
        if (depth > maxDepth) {
            throw new MandateRefused(
                    Rule.DEPTH,
                    "delegating from " + parent.id() + " would reach depth " + depth + " but mandate.max-depth is "
                            + maxDepth);
        }
        String purpose = request.purpose() == null ? parent.purpose() : request.purpose();
        if (!purpose.equals(parent.purpose())) {
            throw new MandateRefused(
                    Rule.PURPOSE,
                    "purpose '" + purpose + "' is not the parent mandate's purpose '" + parent.purpose() + "'");
        }
        Set<String> tools = subset(Rule.TOOLS, "tools", request.tools(), parent.tools());
        Set<String> resources = subset(Rule.RESOURCES, "resources", request.resources(), parent.resources());
        Set<String> ceiling = request.labelCeiling() == null ? parent.labelCeiling() : request.labelCeiling();
        if (!parent.labelCeiling().contains(Scope.ANY_LABEL)
                && !parent.labelCeiling().containsAll(ceiling)) {
            throw new MandateRefused(
                    Rule.LABELS, "label ceiling " + ceiling + " is wider than the parent's " + parent.labelCeiling());
        }
        if (!Scope.withinCeiling(parent.flowLabels(), ceiling)) {
            throw new MandateRefused(
                    Rule.LABELS,
                    "the parent already carries flow labels " + parent.flowLabels() + " that the child's ceiling "
                            + ceiling + " does not allow");
        }
        int budget = request.callBudget() == null ? parent.callBudget() : request.callBudget();
        if (budget < 0 || budget > parent.callBudget()) {
            throw new MandateRefused(
                    Rule.BUDGET, "call budget " + budget + " is outside 0.." + parent.callBudget() + " (the parent's)");
        }
        Duration remaining = Duration.between(now, parent.expires());
        Duration ttl = request.ttl() == null ? remaining : request.ttl();
        if (ttl.isNegative() || ttl.isZero()) {
            throw new MandateRefused(Rule.LIFETIME, "ttl must be positive, got " + ttl);
        }
        if (ttl.compareTo(remaining) > 0) {
            throw new MandateRefused(
                    Rule.LIFETIME,
                    "ttl " + ttl + " is longer than the parent mandate's remaining lifetime " + remaining);
        }
        Tier tier =
                parent.tier() == Tier.COPILOT || request.agentTier() == Tier.COPILOT ? Tier.COPILOT : Tier.AUTONOMOUS;
        return new Mandate(
                childId,
                request.agent(),
                parent.onBehalfOf(),
                purpose,
                tools,
                resources,
                tier,
                parent.id(),
                depth,
                now,
                now.plus(ttl),
                parent.maxExpires(),
                ttl,
                MandateState.ACTIVE,
                parent.flowLabels(),
                ceiling,
                budget,
                null,
                null,
                parent.clearance());
    }

    private static Set<String> subset(Rule rule, String what, @Nullable Set<String> asked, Set<String> parent) {
        if (asked == null) {
            return parent;
        }
        if (!parent.containsAll(asked)) {
            Set<String> extra = new TreeSet<>(asked);
            extra.removeAll(parent);
            throw new MandateRefused(rule, what + " " + extra + " are not among the parent mandate's " + what);
        }
        return asked;
    }
}
