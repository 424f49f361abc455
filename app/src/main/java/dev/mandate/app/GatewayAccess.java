package dev.mandate.app;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateEndListener;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.oauth.DpopVerifier;
import dev.mandate.core.oauth.MandateTokens;
import dev.mandate.core.policy.AgentFacts;
import dev.mandate.core.policy.MandateFacts;
import dev.mandate.core.policy.MandateLookup;
import dev.mandate.gateway.AuthenticationRequest;
import dev.mandate.gateway.CallAuthenticator;
import dev.mandate.gateway.CallerContext;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Connects the MCP gateway to mandates. Every request to {@code /mcp} is authenticated by its mandate token — signature
 * and audience by {@link MandateTokens}, the DPoP proof when the token is bound to a key, and the mandate (and every
 * ancestor) live in the registry right now — so a revocation takes effect on the very next call. It keeps each live
 * mandate's flow labels (a delegated mandate starts from its parent's and hands its own back when it ends) and answers
 * the policy decider's questions about mandates and agents.
 */
final class GatewayAccess implements CallAuthenticator, MandateLookup, MandateEndListener {
    private final MandateTokens tokens;
    private final DpopVerifier dpop;
    private final MandateRegistry mandates;
    private final AgentRegistry agents;
    private final ConcurrentHashMap<String, FlowState> flows = new ConcurrentHashMap<>();

    GatewayAccess(MandateTokens tokens, DpopVerifier dpop, MandateRegistry mandates, AgentRegistry agents) {
        this.tokens = tokens;
        this.dpop = dpop;
        this.mandates = mandates;
        this.agents = agents;
    }

    @Override
    public CallerContext authenticate(AuthenticationRequest request) {
        String authorization = request.header("authorization");
        if (authorization == null || authorization.isBlank()) {
            throw unauthenticated("no mandate token: send 'Authorization: DPoP <token>' with a DPoP proof, or"
                    + " 'Authorization: Bearer <token>' where the agent's tier allows bearer tokens");
        }
        int space = authorization.indexOf(' ');
        String scheme = (space < 0 ? authorization : authorization.substring(0, space)).toLowerCase(Locale.ROOT);
        String token = space < 0 ? "" : authorization.substring(space + 1).strip();
        MandateTokens.Verified verified;
        try {
            verified = tokens.verify(token);
            String jkt = verified.jkt();
            if (jkt != null) {
                if (!scheme.equals("dpop")) {
                    throw unauthenticated("this mandate token is bound to a DPoP key: send it as"
                            + " 'Authorization: DPoP <token>' with a DPoP proof");
                }
                String proof = request.header("dpop");
                if (proof == null) {
                    throw unauthenticated("a DPoP-bound mandate token needs a DPoP proof header");
                }
                if (!jkt.equals(dpop.verify(proof, request.method(), request.uri(), token))) {
                    throw unauthenticated("the DPoP proof is signed by another key than the one the token is bound to");
                }
            } else if (!scheme.equals("bearer")) {
                throw unauthenticated("an unbound mandate token is sent as 'Authorization: Bearer <token>'");
            }
        } catch (MandateException e) {
            throw e.code() == ErrorCode.UNAUTHENTICATED ? e : unauthenticated(e.getMessage());
        }
        LiveCheck live = mandates.checkLive(verified.mandateId());
        if (live == LiveCheck.STALE) {
            // Not the token's fault: this replica cannot confirm any mandate now. 503 lets the client try another.
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "this replica has lost the shared store for longer than store.replicas.staleness-bound and"
                            + " cannot confirm mandate " + verified.mandateId());
        }
        if (live != LiveCheck.LIVE) {
            throw unauthenticated("mandate " + verified.mandateId() + " is not live: "
                    + live.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        }
        return new CallerContext(verified.subject(), verified.mandateId(), flow(verified.mandateId()));
    }

    /** The flow state of a live mandate, created on first use: a root's from its stored labels, a child's from its parent. */
    private FlowState flow(String mandateId) {
        FlowState existing = flows.get(mandateId);
        if (existing != null) {
            return existing;
        }
        Mandate m = mandates.find(mandateId)
                .orElseThrow(() -> unauthenticated("mandate " + mandateId + " is not known to this node"));
        String parentId = m.parentId();
        FlowState created = parentId == null
                ? FlowState.root(FlowLabels.parse(String.join(",", m.flowLabels())))
                : flow(parentId).child();
        FlowState raced = flows.putIfAbsent(mandateId, created);
        return raced != null ? raced : created;
    }

    @Override
    public void mandateEnded(String mandateId, String reason) {
        FlowState ended = flows.remove(mandateId);
        if (ended != null && !ended.isClosed()) {
            ended.close(); // hands the labels it picked up back to its parent
        }
    }

    @Override
    public @Nullable MandateFacts mandate(String mandateId) {
        Optional<Mandate> found = mandates.find(mandateId);
        if (found.isEmpty()) {
            return null;
        }
        Mandate m = found.get();
        return new MandateFacts(
                m.id(),
                m.agent().toString(),
                m.purpose(),
                m.tier(),
                m.depth(),
                m.onBehalfOf(),
                m.issued(),
                m.expires(),
                m.tools(),
                m.callBudget());
    }

    @Override
    public @Nullable AgentFacts agent(String agentId) {
        Optional<Agent> found;
        try {
            found = agents.find(SpiffeId.parse(agentId));
        } catch (MandateException e) {
            return null;
        }
        if (found.isEmpty()) {
            return null;
        }
        Agent a = found.get();
        // Owners are named by convention: teams as team-<name>, people by their user name.
        return new AgentFacts(agentId, a.owner(), a.owner().startsWith("team-"), a.tier());
    }

    private static MandateException unauthenticated(String message) {
        return new MandateException(ErrorCode.UNAUTHENTICATED, message);
    }
}
