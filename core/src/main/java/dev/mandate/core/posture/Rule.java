package dev.mandate.core.posture;

import java.util.List;

/** The posture rules, each with its id, default severity, controls and the fix it suggests. */
public enum Rule {
    /** The owner is a placeholder, not a person or team. */
    OWNER_MISSING(
            "owner-missing",
            Severity.HIGH,
            "NHI1",
            "ASI03,ASI10",
            "GOVERN",
            "Set an accountable owner (PATCH /v1/agents/<name> with {\"owner\": \"team-<name>\"}) or disable the"
                    + " agent: mandate agent disable <name>."),
    /** The owner is known to be inactive (left, or a disabled agent). */
    OWNER_INACTIVE(
            "owner-inactive",
            Severity.HIGH,
            "NHI1",
            "ASI10",
            "GOVERN",
            "Hand the agent to an active owner, or disable it: mandate agent disable <name>."),
    /** Active but unseen for longer than the dormancy window. */
    DORMANT_AGENT(
            "dormant-agent",
            Severity.MEDIUM,
            "NHI1",
            "ASI10",
            "MANAGE",
            "Disable the agent if its task is gone (mandate agent disable <name>); re-enable it when needed."),
    /** Policies allow tools the agent has not used within the window. */
    UNUSED_PERMISSION(
            "unused-permission",
            Severity.LOW,
            "NHI5",
            "ASI02,ASI03",
            "MEASURE,MANAGE",
            "Narrow the permits to the tools the agent uses, or drop purposes it no longer serves."),
    /** A lease or mandate lives longer than its tier allows. */
    LONG_LIVED_CREDENTIAL(
            "long-lived-credential",
            Severity.HIGH,
            "NHI7",
            "ASI03",
            "MANAGE",
            "Revoke it (mandate lease revoke <id> / mandate mandate revoke <id>) and lower the backend's max-ttl"
                    + " to the tier's limits."),
    /** One shared secret (checked-out account) has been used by several agents. */
    SHARED_SECRET(
            "shared-secret",
            Severity.HIGH,
            "NHI9,NHI2",
            "ASI03",
            "GOVERN,MANAGE",
            "Give each agent its own account (a per-lease database role or signed token backend), or rotate the"
                    + " shared account after every checkout."),
    /** A permit allows actions no catalog entry needs. */
    BROAD_POLICY(
            "broad-policy",
            Severity.CRITICAL,
            "NHI5",
            "ASI02,ASI03",
            "GOVERN,MAP",
            "Constrain the permit's action to the catalog's action groups or tools (action in [...]) and its"
                    + " principal to the agents that need it."),
    /** One mandate could read sensitive data, see untrusted content and call an egress tool. */
    TOXIC_FLOW(
            "toxic-flow",
            Severity.CRITICAL,
            "NHI5",
            "ASI01,ASI02",
            "MAP,MANAGE",
            "Forbid egress once sensitive labels are in the flow (forbid ... when { context.flow.labels.contains(\"pii\")"
                    + " }), or require approval for it."),
    /** A live mandate or lease is past its expiry (missed heartbeat) but not yet ended. */
    PAST_HEARTBEAT(
            "past-heartbeat",
            Severity.MEDIUM,
            "NHI7",
            "ASI10",
            "MANAGE",
            "Check the node's expiry timers; revoke it now (mandate mandate revoke <id> / mandate lease revoke <id>)."),
    /** A lease revocation has not been confirmed by its backend. */
    STUCK_REVOKING(
            "stuck-revoking",
            Severity.HIGH,
            "NHI1,NHI7",
            "ASI08",
            "MANAGE",
            "Make the backend reachable (the node retries with backoff) or remove the credential at the backend by"
                    + " hand.");

    private final String id;
    private final Severity severity;
    // Comma-separated, so that the enum holds only immutable fields.
    private final String nhi;
    private final String agentic;
    private final String nist;
    private final String fix;

    Rule(String id, Severity severity, String nhi, String agentic, String nist, String fix) {
        this.id = id;
        this.severity = severity;
        this.nhi = nhi;
        this.agentic = agentic;
        this.nist = nist;
        this.fix = fix;
    }

    /**
     * Returns the stable rule id used in JSON and finding ids.
     *
     * @return e.g. {@code toxic-flow}
     */
    public String id() {
        return id;
    }

    /**
     * Returns the rule's default severity.
     *
     * @return the severity
     */
    public Severity severity() {
        return severity;
    }

    /**
     * Returns the controls the rule serves.
     *
     * @return the controls
     */
    public Controls controls() {
        return new Controls(List.of(nhi.split(",")), List.of(agentic.split(",")), List.of(nist.split(",")));
    }

    /**
     * Returns the generic fix.
     *
     * @return one sentence
     */
    public String fix() {
        return fix;
    }
}
