package dev.mandate.app;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.FlowState;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.core.identity.Agent;
import dev.mandate.core.identity.AgentRegistry;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.FlowLabelsListener;
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
 * and audience by {@link MandateTokens}, the DPoP proof when the token is bound to a key, the client certificate of
 * the TLS connection when it is bound to one ({@code cnf.x5t#S256}), and the mandate (and every
 * ancestor) live in the registry right now — so a revocation takes effect on the very next call. It keeps each live
 * mandate's flow labels (a delegated mandate starts from its parent's and hands its own back when it ends) and answers
 * the policy decider's questions about mandates and agents. On one of several replicas it takes over the labels the
 * others store for a mandate, so data read through one replica counts on every one.
 */
final class GatewayAccess implements CallAuthenticator, MandateLookup, MandateEndListener, FlowLabelsListener {
    private final MandateTokens tokens;
    private final DpopVerifier dpop;
    private final MandateRegistry mandates;
    private final AgentRegistry agents;
    private final ConcurrentHashMap<String, Live> flows = new ConcurrentHashMap<>();

    /** What calls need of a live mandate, kept from its first call on: its flow labels and its principal's clearance. */
    private record Live(FlowState flow, @Nullable Sensitivity clearance) {}

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
                throw unauthenticated("a mandate token without a DPoP key is sent as 'Authorization: Bearer <token>'");
            }
            String x5t = verified.x5t();
            if (jkt == null && x5t != null) {
                // RFC 8705 §3: the TLS handshake proved the client holds the certificate's key; match its thumbprint.
                var certificate = request.clientCertificate();
                if (certificate == null) {
                    throw unauthenticated("this mandate token is certificate-bound (cnf.x5t#S256): send it over the"
                            + " TLS listener (server.tls.listen) with the client certificate it was issued to");
                }
                if (!x5t.equals(MandateTokens.certificateThumbprint(certificate))) {
                    throw unauthenticated("this mandate token is certificate-bound (cnf.x5t#S256) to another client"
                            + " certificate than this connection's");
                }
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
        Live m = live(verified.mandateId());
        return new CallerContext(verified.subject(), verified.mandateId(), m.flow(), m.clearance());
    }

    /**
     * The flow state of a live mandate, created on first use: a root's from its stored labels, a child's from its
     * parent's joined with its own stored ones. Either writes its labels back to the stored mandate as they grow, so a
     * restart does not forget what a mandate has read.
     */
    private Live live(String mandateId) {
        Live existing = flows.get(mandateId);
        if (existing != null) {
            return existing;
        }
        Mandate m = mandates.find(mandateId)
                .orElseThrow(() -> unauthenticated("mandate " + mandateId + " is not known to this node"));
        String parentId = m.parentId();
        FlowState.Writer writer = labels -> mandates.recordFlowLabels(mandateId, words(labels));
        FlowLabels stored = labels(m.flowLabels());
        FlowState state = parentId == null
                ? FlowState.root(stored, writer)
                : live(parentId).flow().child(stored, writer);
        Live created = new Live(state, m.clearance());
        Live raced = flows.putIfAbsent(mandateId, created);
        if (raced != null) {
            return raced;
        }
        // Labels another replica stored between the lookup above and now reached no flow state: take them over.
        mandates.find(mandateId).ifPresent(now -> created.flow().absorb(labels(now.flowLabels())));
        return created;
    }

    @Override
    public void flowLabelsGrew(String mandateId, java.util.Set<String> labels) {
        Live live = flows.get(mandateId);
        if (live != null) {
            live.flow().absorb(labels(labels));
        }
    }

    @Override
    public void mandateEnded(String mandateId, String reason) {
        Live ended = flows.remove(mandateId);
        if (ended != null) {
            if (!ended.flow().isClosed()) {
                ended.flow().close(); // hands the labels it picked up back to its parent
            }
            return;
        }
        // Not used on this node since it started (e.g. it expired while the node was down): hand back what is stored.
        Mandate m = mandates.find(mandateId).orElse(null);
        String parentId = m == null ? null : m.parentId();
        if (m == null || parentId == null || m.flowLabels().isEmpty()) {
            return;
        }
        FlowLabels child = labels(m.flowLabels());
        if (mandates.checkLive(parentId).isLive()) {
            live(parentId).flow().add(child);
            return;
        }
        Live parentState = flows.get(parentId);
        if (parentState != null) {
            parentState.flow().add(child);
            return;
        }
        Mandate parent = mandates.find(parentId).orElse(null);
        if (parent != null) {
            FlowLabels before = labels(parent.flowLabels());
            FlowLabels after = before.join(child);
            if (!after.equals(before)) {
                mandates.recordFlowLabels(parentId, words(after));
            }
        }
    }

    private static FlowLabels labels(java.util.Set<String> words) {
        return FlowLabels.parse(String.join(",", words));
    }

    private static java.util.Set<String> words(FlowLabels labels) {
        return java.util.Set.of(labels.format().split(","));
    }

    /**
     * The flow labels a mandate has accumulated: the live ones in memory if it has called through this node since it
     * started, else the stored ones, else none.
     */
    FlowLabels flowLabels(String mandateId) {
        Live live = flows.get(mandateId);
        if (live != null) {
            return live.flow().current();
        }
        return mandates.find(mandateId).map(m -> labels(m.flowLabels())).orElse(FlowLabels.NONE);
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
                m.callBudget(),
                m.clearance());
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
