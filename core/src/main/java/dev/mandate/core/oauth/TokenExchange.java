package dev.mandate.core.oauth;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.identity.SpiffeId;
import dev.mandate.core.mandate.DelegationRequest;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.mandate.Mandate;
import dev.mandate.core.mandate.MandateRefused;
import dev.mandate.core.mandate.MandateRegistry;
import dev.mandate.core.mandate.OpenRequest;
import dev.mandate.core.mandate.Scope;
import dev.mandate.core.mandate.Tier;
import dev.mandate.core.mandate.TierLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The token endpoint's logic (RFC 8693 token exchange), free of HTTP: opening a mandate from an agent's JWT-SVID,
 * delegating a child mandate from a parent mandate token plus the sub-agent's JWT-SVID, and introspection (RFC 7662).
 * Every failure is an {@link OAuthException} with the error the RFCs prescribe and a description naming the rule.
 */
public final class TokenExchange {
    /** The grant type of token exchange. */
    public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange";

    /** The token type of JWT-SVIDs and other JWTs. */
    public static final String JWT_TYPE = "urn:ietf:params:oauth:token-type:jwt";

    /** The token type of mandate tokens (access tokens). */
    public static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

    /**
     * A successful exchange.
     *
     * @param mandate the mandate opened or delegated
     * @param token the mandate token
     * @param tokenType {@code DPoP} for a bound token, {@code Bearer} otherwise
     * @param expiresIn seconds until the token expires
     */
    public record Result(Mandate mandate, MandateTokens.Issued token, String tokenType, long expiresIn) {}

    private final MandateRegistry registry;
    private final MandateTokens tokens;
    private final WorkloadAuthenticator workloads;
    private final AgentGrants agents;
    private final @Nullable PrincipalVerifier principals;
    private final int defaultCallBudget;

    /**
     * Creates the service.
     *
     * @param registry the mandates
     * @param tokens issues and verifies mandate tokens
     * @param workloads verifies agents' JWT-SVIDs
     * @param agents what each registered agent may be granted
     * @param principals verifies principals' ID tokens, or null if no OIDC issuer is configured
     * @param defaultCallBudget the call budget of a root mandate
     */
    public TokenExchange(
            MandateRegistry registry,
            MandateTokens tokens,
            WorkloadAuthenticator workloads,
            AgentGrants agents,
            @Nullable PrincipalVerifier principals,
            int defaultCallBudget) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.workloads = Objects.requireNonNull(workloads, "workloads");
        this.agents = Objects.requireNonNull(agents, "agents");
        this.principals = principals;
        this.defaultCallBudget = defaultCallBudget;
    }

    /**
     * Opens a root mandate for the agent that the subject token proves.
     *
     * @param subjectToken the agent's JWT-SVID
     * @param subjectTokenType must be {@value #JWT_TYPE}
     * @param details the task
     * @param jkt the thumbprint of the verified DPoP proof's key, or null for a bearer token
     * @return the mandate and its token
     * @throws OAuthException naming the rule broken
     */
    public Result open(String subjectToken, String subjectTokenType, MandateDetails details, @Nullable String jkt) {
        if (!JWT_TYPE.equals(subjectTokenType)) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "subject_token_type must be " + JWT_TYPE + " (a JWT-SVID) to open a mandate, or "
                            + ACCESS_TOKEN_TYPE + " (a mandate token) with an actor_token to delegate");
        }
        AgentGrant agent = authenticate(subjectToken, "subject_token");
        return openFor(agent, details, jkt, agent.id().toString());
    }

    /**
     * Opens a root mandate for a registered agent without its credential: for the admin's {@code mandate token}
     * command (tests and demos). The agent must still be active and allowed the purpose.
     *
     * @param agentId the agent
     * @param details the task
     * @param jkt a DPoP key thumbprint to bind the token to, or null
     * @param actor who asks, for the audit log
     * @return the mandate and its token
     * @throws OAuthException naming the rule broken
     */
    public Result openAsAdmin(SpiffeId agentId, MandateDetails details, @Nullable String jkt, String actor) {
        AgentGrant agent = agents.find(agentId)
                .orElseThrow(() ->
                        new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "agent " + agentId + " is not registered"));
        if (!agent.active()) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "agent " + agentId + " is not active");
        }
        return openFor(agent, details, jkt, actor);
    }

    /**
     * Opens a root mandate for an agent the endpoint authenticated by other means than a subject token: RFC 8705
     * mutual TLS with its X.509-SVID as client certificate.
     *
     * @param agentId the verified agent
     * @param details the task
     * @param jkt the thumbprint of the verified DPoP proof's key, or null for a bearer token
     * @return the mandate and its token
     * @throws OAuthException naming the rule broken
     */
    public Result openAuthenticated(SpiffeId agentId, MandateDetails details, @Nullable String jkt) {
        return openAsAdmin(agentId, details, jkt, agentId.toString());
    }

    /**
     * Opens a root mandate for an agent authenticated by its client certificate (RFC 8705 {@code tls_client_auth}),
     * binding the token to the DPoP proof's key when one came, else to that certificate ({@code cnf.x5t#S256}, RFC 8705
     * §3): a certificate-bound token is a bound token, so a tier that refuses bearer tokens accepts it.
     *
     * @param agentId the verified agent
     * @param details the task
     * @param jkt the thumbprint of the verified DPoP proof's key, or null
     * @param x5t the SHA-256 thumbprint of the client certificate the agent connected with
     * @return the mandate and its token
     * @throws OAuthException naming the rule broken
     */
    public Result openByCertificate(SpiffeId agentId, MandateDetails details, @Nullable String jkt, String x5t) {
        AgentGrant agent = agents.find(agentId)
                .orElseThrow(() ->
                        new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "agent " + agentId + " is not registered"));
        if (!agent.active()) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "agent " + agentId + " is not active");
        }
        return openFor(agent, details, jkt, jkt == null ? x5t : null, agentId.toString());
    }

    private Result openFor(AgentGrant agent, MandateDetails details, @Nullable String jkt, String actor) {
        return openFor(agent, details, jkt, null, actor);
    }

    private Result openFor(
            AgentGrant agent, MandateDetails details, @Nullable String jkt, @Nullable String x5t, String actor) {
        String purpose = details.purpose();
        if (purpose == null) {
            throw new OAuthException(OAuthError.INVALID_AUTHORIZATION_DETAILS, "the mandate detail needs a purpose");
        }
        requirePurpose(agent, purpose);
        TierLimits tier = registry.limits().of(agent.tier());
        requireBinding(agent.tier(), tier, jkt != null || x5t != null);
        Principal obo = details.onBehalfOf() == null ? null : principal(details.onBehalfOf());
        Duration ttl = details.ttl() == null ? tier.maxTtl() : details.ttl();
        Mandate m = refusing(() -> registry.open(
                new OpenRequest(
                        agent.id(),
                        agent.tier(),
                        obo == null ? null : obo.name(),
                        purpose,
                        details.tools() == null ? Set.of() : details.tools(),
                        details.resources() == null ? Set.of() : details.resources(),
                        ttl,
                        null,
                        Set.of(Scope.ANY_LABEL),
                        defaultCallBudget,
                        obo == null ? null : obo.clearance()),
                actor));
        return issue(m, tier, jkt, x5t, List.of());
    }

    /**
     * Delegates a child mandate to the sub-agent that the actor token proves, from the parent mandate token.
     *
     * <p>Who delegates must hold the parent: when the parent token is DPoP-bound ({@code cnf.jkt}) the request needs
     * a DPoP proof made with that key and carrying the parent token's hash ({@code ath}), exactly as when the token is
     * presented to a resource server; a stolen bound token cannot be delegated. So the caller is the parent agent; it
     * names the sub-agent's key with {@code childJkt} ({@code dpop_jkt}, as RFC 9449 §10 names the key a code is bound
     * to) and hands the child token to the sub-agent, which then proves that key on every use. Without {@code
     * childJkt} the child is bound to the proof's key. An unbound parent needs no proof; a proof then binds the child
     * to its key, as when opening.
     *
     * @param parentToken the parent's mandate token
     * @param subjectTokenType must be {@value #ACCESS_TOKEN_TYPE}
     * @param actorToken the sub-agent's JWT-SVID
     * @param actorTokenType must be {@value #JWT_TYPE}
     * @param details what the sub-agent asks for; null fields mean the parent's
     * @param proof the request's DPoP proof, not yet verified, or null if none was sent
     * @param childJkt the thumbprint of the key the child token is to be bound to, or null for the proof's key
     * @return the child mandate and its token
     * @throws OAuthException naming the rule broken; widening is {@code invalid_target}, a bound parent without a
     *     proof by its key {@code invalid_dpop_proof}
     */
    public Result delegate(
            String parentToken,
            String subjectTokenType,
            String actorToken,
            String actorTokenType,
            MandateDetails details,
            @Nullable PresentedProof proof,
            @Nullable String childJkt) {
        return delegate(parentToken, subjectTokenType, actorToken, actorTokenType, details, proof, childJkt, null);
    }

    /**
     * Delegates as {@link #delegate(String, String, String, String, MandateDetails, PresentedProof, String)}, where the
     * request may come with a client certificate: a certificate-bound parent token ({@code cnf.x5t#S256}) is delegated
     * only over mutual TLS with the certificate it is bound to. The child is bound as there (to a DPoP key, or not).
     *
     * @param parentToken the parent's mandate token
     * @param subjectTokenType must be {@value #ACCESS_TOKEN_TYPE}
     * @param actorToken the sub-agent's JWT-SVID
     * @param actorTokenType must be {@value #JWT_TYPE}
     * @param details what the sub-agent asks for; null fields mean the parent's
     * @param proof the request's DPoP proof, not yet verified, or null if none was sent
     * @param childJkt the thumbprint of the key the child token is to be bound to, or null for the proof's key
     * @param x5t the SHA-256 thumbprint of the request's client certificate, or null if none came
     * @return the child mandate and its token
     * @throws OAuthException naming the rule broken
     */
    public Result delegate(
            String parentToken,
            String subjectTokenType,
            String actorToken,
            String actorTokenType,
            MandateDetails details,
            @Nullable PresentedProof proof,
            @Nullable String childJkt,
            @Nullable String x5t) {
        if (!ACCESS_TOKEN_TYPE.equals(subjectTokenType) || !JWT_TYPE.equals(actorTokenType)) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "to delegate, subject_token_type must be " + ACCESS_TOKEN_TYPE + " (the parent's mandate token)"
                            + " and actor_token_type " + JWT_TYPE + " (the sub-agent's JWT-SVID)");
        }
        return delegateTo(
                parentToken, () -> authenticate(actorToken, "actor_token"), details, proof, childJkt, x5t, false, null);
    }

    /**
     * Delegates to the agent that connected over mutual TLS with its X.509-SVID as client certificate (RFC 8705
     * {@code tls_client_auth}): the client is the actor, in place of an {@code actor_token}. The sub-agent presents
     * the parent token it was handed; a DPoP-bound parent still needs a proof made with the parent's key and carrying
     * the parent token's hash ({@code ath}) — the parent hands one over with the token, so only its holder can consent
     * — and a certificate-bound parent, bound to another certificate than the sub-agent's, cannot be delegated this
     * way. The child is bound to the key {@code childJkt} names; else, for an unbound parent, to the proof's key when
     * a proof came (the caller's own); else to the sub-agent's client certificate ({@code cnf.x5t#S256}).
     *
     * @param parentToken the parent's mandate token
     * @param details what the sub-agent asks for; null fields mean the parent's
     * @param proof the request's DPoP proof, not yet verified, or null if none was sent
     * @param childJkt the thumbprint of the key the child token is to be bound to, or null
     * @param actor the client certificate, verified here as the sub-agent's X.509-SVID
     * @return the child mandate and its token
     * @throws OAuthException naming the rule broken; {@code invalid_client} when the certificate is not a valid
     *     X.509-SVID
     */
    public Result delegateToCertificate(
            String parentToken,
            MandateDetails details,
            @Nullable PresentedProof proof,
            @Nullable String childJkt,
            ClientCertificate actor) {
        return delegateTo(
                parentToken,
                () -> grantOf(actor.authenticate()),
                details,
                proof,
                childJkt,
                actor.thumbprint(),
                true,
                actor.thumbprint());
    }

    private interface ActorGrant {
        AgentGrant get();
    }

    private Result delegateTo(
            String parentToken,
            ActorGrant actor,
            MandateDetails details,
            @Nullable PresentedProof proof,
            @Nullable String childJkt,
            @Nullable String x5t,
            boolean actorIsClient,
            @Nullable String actorX5t) {
        MandateTokens.Verified parent;
        try {
            parent = tokens.verify(parentToken);
        } catch (OAuthException e) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, "subject_token: " + e.getMessage());
        }
        requireCertificate(parent, x5t, "the parent mandate token");
        String proofJkt = possession(parent, parentToken, proof);
        // The proof's key binds the child only when it is the caller's own: when the actor calls, a bound parent's
        // proof is the parent's key, not the sub-agent's.
        String jkt = childJkt != null ? childJkt : actorIsClient && parent.jkt() != null ? null : proofJkt;
        String childX5t = jkt == null ? actorX5t : null;
        LiveCheck live = registry.checkLive(parent.mandateId());
        if (!live.isLive()) {
            throw new OAuthException(
                    OAuthError.INVALID_GRANT,
                    "the parent mandate " + parent.mandateId() + " is "
                            + live.name().toLowerCase(java.util.Locale.ROOT));
        }
        AgentGrant sub = actor.get();
        Mandate parentMandate = registry.get(parent.mandateId());
        String purpose = details.purpose() == null ? parentMandate.purpose() : details.purpose();
        requirePurpose(sub, purpose);
        if (details.onBehalfOf() != null) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "a delegated mandate acts for its parent's principal: omit on_behalf_of");
        }
        Tier childTier =
                parentMandate.tier() == Tier.COPILOT || sub.tier() == Tier.COPILOT ? Tier.COPILOT : Tier.AUTONOMOUS;
        TierLimits tier = registry.limits().of(childTier);
        requireBinding(childTier, tier, jkt != null || childX5t != null);
        Mandate child = refusing(() -> registry.delegate(
                parent.mandateId(),
                new DelegationRequest(
                        sub.id(), sub.tier(), purpose, details.tools(), details.resources(), details.ttl(), null, null),
                parent.subject()));
        List<String> actors = new ArrayList<>();
        actors.add(parent.subject());
        actors.addAll(actorChain(parent.claims()));
        return issue(child, tier, jkt, childX5t, actors);
    }

    /**
     * Checks that the caller holds a parent token: a bound token needs a proof by its key over the token's hash.
     *
     * @return the thumbprint of the proof's key, or null when no proof came (allowed only for an unbound token)
     */
    private static @Nullable String possession(
            MandateTokens.Verified parent, String parentToken, @Nullable PresentedProof proof) {
        String bound = parent.jkt();
        if (bound == null) {
            return proof == null ? null : proof.verify(null);
        }
        if (proof == null) {
            throw new OAuthException(
                    OAuthError.INVALID_DPOP_PROOF,
                    "the parent mandate token is DPoP-bound (cnf.jkt): delegating it needs a DPoP proof made with"
                            + " its key and carrying its hash (ath); the parent agent delegates and names the"
                            + " sub-agent's key with dpop_jkt");
        }
        String jkt = proof.verify(parentToken);
        if (!bound.equals(jkt)) {
            throw new OAuthException(
                    OAuthError.INVALID_DPOP_PROOF,
                    "the DPoP proof is not made with the key the parent mandate token is bound to (cnf.jkt): only"
                            + " its holder may delegate it");
        }
        return jkt;
    }

    /**
     * Renews (heartbeats) the mandate a live mandate token carries and issues a fresh token for it: the agent's own
     * way to keep a long task alive, one ttl at a time up to the mandate's max lifetime. The caller must hold the
     * token: a DPoP-bound token ({@code cnf.jkt}) needs a proof made with its key and carrying the token's hash
     * ({@code ath}, the token is presented as at a resource server), and the new token is bound to that key too. A
     * certificate-bound token ({@code cnf.x5t#S256}) needs mutual TLS with the certificate it is bound to — or with
     * another certificate that verifies as an X.509-SVID of the token's own agent ({@code sub}): the agent's SVID was
     * renewed, so the new token is bound to the new certificate (re-bound, recorded in the audit log with both
     * thumbprints) and the old certificate no longer holds it.
     *
     * @param token the mandate token, presented as {@code subject_token} without an actor token
     * @param proof the request's DPoP proof, not yet verified, or null if none was sent
     * @param certificate the request's client certificate, or null if none came (plain HTTP, or TLS without one)
     * @return the renewed mandate and its new token
     * @throws OAuthException {@code invalid_grant} for a token that does not verify or a mandate that is not live or
     *     cannot be renewed further, {@code invalid_dpop_proof} when a DPoP-bound token comes without a proof by its
     *     key over its hash, {@code invalid_client} when a certificate-bound token comes without its certificate or
     *     one of its agent
     */
    public Result renew(String token, @Nullable PresentedProof proof, @Nullable ClientCertificate certificate) {
        MandateTokens.Verified held = holder(token, proof, "renew");
        String x5t = held.x5t();
        Map<String, String> rebound = Map.of();
        if (x5t != null) {
            ClientCertificate presented = requireClientCertificate(certificate, "the mandate token");
            if (!x5t.equals(presented.thumbprint())) {
                requireSameAgent(held, presented);
                // RFC 8705 binds to a certificate; the agent's renewed X.509-SVID is the same workload identity.
                rebound = Map.of("cnf.x5t#S256", presented.thumbprint(), "rebound-from", x5t);
                x5t = presented.thumbprint();
            }
        }
        Mandate renewed;
        try {
            renewed = registry.renew(held.mandateId(), held.subject(), rebound);
        } catch (MandateException e) {
            throw new OAuthException(OAuthError.INVALID_GRANT, e.getMessage());
        }
        TierLimits tier = registry.limits().of(renewed.tier());
        return issue(renewed, tier, held.jkt(), x5t, actorChain(held.claims()));
    }

    /**
     * Closes the mandate a mandate token carries because its task ended (the agent's own way, RFC 7009 revocation of
     * its token): its delegated mandates end with it, and with them their leases. Closing an already-ended mandate is
     * not an error. The caller must hold the token as for {@link #renew}: a DPoP-bound token needs a proof by its key
     * over its hash ({@code ath}); a certificate-bound token needs the certificate it is bound to, or another that
     * verifies now as an X.509-SVID of the token's own agent ({@code sub}) — the agent renewed its SVID and ends its
     * task without renewing the token first (revoking only lowers privilege); the {@code mandate.closed} event then
     * records both thumbprints ({@code cnf.x5t#S256}, {@code presented-x5t#S256}).
     *
     * @param token the mandate token
     * @param proof the request's DPoP proof, not yet verified, or null if none was sent
     * @param certificate the request's client certificate, or null if none came
     * @return the ids of the mandates that ended now, the token's first; empty if it had already ended
     * @throws OAuthException {@code invalid_grant} for a token that does not verify, {@code invalid_dpop_proof} when a
     *     bound token comes without a proof by its key over its hash, {@code invalid_client} when a certificate-bound
     *     token comes without its certificate or an X.509-SVID of its agent
     */
    public List<String> close(String token, @Nullable PresentedProof proof, @Nullable ClientCertificate certificate) {
        MandateTokens.Verified held = holder(token, proof, "revoke");
        Map<String, String> presented = Map.of();
        String x5t = held.x5t();
        if (x5t != null) {
            ClientCertificate client = requireClientCertificate(certificate, "the mandate token");
            if (!x5t.equals(client.thumbprint())) {
                // Revoking only lowers privilege: the agent's renewed X.509-SVID (same SPIFFE ID) may end its task.
                requireSameAgent(held, client);
                presented = Map.of("cnf.x5t#S256", x5t, "presented-x5t#S256", client.thumbprint());
            }
        }
        if (!registry.checkLive(held.mandateId()).isLive()) {
            return List.of();
        }
        try {
            return registry.close(held.mandateId(), held.subject(), presented);
        } catch (MandateException e) {
            if (e.code() == ErrorCode.CONFLICT) {
                return List.of(); // ended between the check and the close
            }
            throw e;
        }
    }

    /** Verifies a presented mandate token and that a DPoP-bound one comes with a proof by its key over its hash. */
    private MandateTokens.Verified holder(String token, @Nullable PresentedProof proof, String action) {
        MandateTokens.Verified held;
        try {
            held = tokens.verify(token);
        } catch (OAuthException e) {
            throw new OAuthException(OAuthError.INVALID_GRANT, "the mandate token: " + e.getMessage());
        }
        String bound = held.jkt();
        if (bound == null) {
            if (proof != null) {
                proof.verify(null); // a proof sent with an unbound token must still be valid
            }
            return held;
        }
        if (proof == null) {
            throw new OAuthException(
                    OAuthError.INVALID_DPOP_PROOF,
                    "the mandate token is DPoP-bound (cnf.jkt): to " + action + " it, send a DPoP proof made with the"
                            + " key it is bound to and carrying the token's hash (ath)");
        }
        if (!bound.equals(proof.verify(token))) {
            throw new OAuthException(
                    OAuthError.INVALID_DPOP_PROOF,
                    "the DPoP proof is not made with the key the mandate token is bound to (cnf.jkt): only its holder"
                            + " may " + action + " it");
        }
        return held;
    }

    /**
     * Introspects a mandate token (RFC 7662): active only if it verifies and its mandate and every ancestor are live.
     *
     * @param token the token
     * @return the introspection answer: {@code active} and, when active, the token's claims
     */
    public Map<String, Object> introspect(String token) {
        MandateTokens.Verified v;
        try {
            v = tokens.verify(token);
        } catch (OAuthException e) {
            return Map.of("active", false);
        }
        if (!registry.checkLive(v.mandateId()).isLive()) {
            return Map.of("active", false);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("active", true);
        out.put("token_type", v.jkt() == null ? "Bearer" : "DPoP");
        out.putAll(v.claims().toJSONObject());
        return out;
    }

    private Result issue(Mandate m, TierLimits tier, @Nullable String jkt, @Nullable String x5t, List<String> actors) {
        MandateTokens.Issued t = tokens.issue(m, tier.tokenTtl(), jkt, x5t, actors);
        long expiresIn = Math.max(0, Duration.between(t.issuedAt(), t.expires()).toSeconds());
        // RFC 8705 §3: a certificate-bound token is sent with the Bearer scheme; only the TLS connection proves it.
        return new Result(m, t, jkt == null ? "Bearer" : "DPoP", expiresIn);
    }

    /**
     * A certificate-bound token ({@code cnf.x5t#S256}) is used only over mutual TLS with the certificate it is bound
     * to (RFC 8705 §3); otherwise the client has not authenticated as the holder: {@code invalid_client}, which a
     * revocation reports rather than answering 200 as for an invalid token.
     */
    private static void requireCertificate(MandateTokens.Verified held, @Nullable String x5t, String what) {
        String bound = held.x5t();
        if (bound != null) {
            requireCertificate(bound, x5t, what);
        }
    }

    private static void requireCertificate(String bound, @Nullable String x5t, String what) {
        if (x5t == null) {
            throw noCertificate(what);
        }
        if (!bound.equals(x5t)) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT,
                    what + " is certificate-bound (cnf.x5t#S256) to another client certificate than this"
                            + " connection's: only its holder may use it");
        }
    }

    /**
     * A certificate-bound token is bound to an X.509-SVID of its own agent ({@code sub}: opening, delegation to the
     * client and re-binding all bind to the agent's certificate), so another certificate holds it for renewal and
     * revocation only when it verifies now as an X.509-SVID of that same SPIFFE ID: the agent's renewed SVID.
     */
    private static void requireSameAgent(MandateTokens.Verified held, ClientCertificate presented) {
        SpiffeId id = presented.authenticate();
        if (!id.toString().equals(held.subject())) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT,
                    "the mandate token is certificate-bound (cnf.x5t#S256) to another client certificate than"
                            + " this connection's, whose X.509-SVID is " + id + ", not the mandate's agent "
                            + held.subject() + ": only its holder may use it");
        }
    }

    private static ClientCertificate requireClientCertificate(@Nullable ClientCertificate certificate, String what) {
        if (certificate == null) {
            throw noCertificate(what);
        }
        return certificate;
    }

    private static OAuthException noCertificate(String what) {
        return new OAuthException(
                OAuthError.INVALID_CLIENT,
                what + " is certificate-bound (cnf.x5t#S256): send it over the TLS listener with the client"
                        + " certificate it was issued to");
    }

    private AgentGrant authenticate(String svid, String param) {
        if (svid.length() > MandateTokens.MAX_TOKEN_LENGTH) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    param + " is longer than " + MandateTokens.MAX_TOKEN_LENGTH + " characters");
        }
        SpiffeId id;
        try {
            id = workloads.authenticate(svid);
        } catch (MandateException e) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, param + " is not a valid JWT-SVID: " + e.getMessage());
        }
        return grantOf(id);
    }

    private AgentGrant grantOf(SpiffeId id) {
        AgentGrant agent = agents.find(id)
                .orElseThrow(
                        () -> new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "agent " + id + " is not registered"));
        if (!agent.active()) {
            throw new OAuthException(OAuthError.UNAUTHORIZED_CLIENT, "agent " + id + " is not active");
        }
        return agent;
    }

    private static void requirePurpose(AgentGrant agent, String purpose) {
        if (!agent.purposes().contains(purpose)) {
            throw new OAuthException(
                    OAuthError.INVALID_TARGET,
                    "agent " + agent.id() + " may not act for purpose '" + purpose + "'; its purposes are "
                            + new java.util.TreeSet<>(agent.purposes()));
        }
    }

    private static void requireBinding(Tier tier, TierLimits limits, boolean bound) {
        if (!bound && !limits.bearerAllowed()) {
            throw new OAuthException(
                    OAuthError.INVALID_DPOP_PROOF,
                    "a DPoP proof (or, at the TLS listener, a client certificate) is required: the "
                            + tier.wireName() + " tier does not allow bearer tokens (config tier." + tier.wireName()
                            + ".allow-bearer)");
        }
    }

    private Principal principal(String idToken) {
        PrincipalVerifier p = principals;
        if (p == null) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST, "on_behalf_of needs an OIDC issuer, and none is configured");
        }
        try {
            return p.verify(idToken);
        } catch (MandateException e) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST, "on_behalf_of is not a valid ID token: " + e.getMessage());
        }
    }

    private static List<String> actorChain(JWTClaimsSet claims) {
        List<String> out = new ArrayList<>();
        Object act = claims.getClaim("act");
        while (act instanceof Map<?, ?> m && m.get("sub") instanceof String s) {
            out.add(s);
            act = m.get("act");
        }
        return out;
    }

    private interface Action {
        Mandate run();
    }

    private static Mandate refusing(Action action) {
        try {
            return action.run();
        } catch (MandateRefused e) {
            OAuthError error = switch (e.rule()) {
                case PURPOSE, TOOLS, RESOURCES, LABELS -> OAuthError.INVALID_TARGET;
                case BUDGET, LIFETIME, TTL, DEPTH -> OAuthError.INVALID_REQUEST;
                case PARENT_NOT_LIVE -> OAuthError.INVALID_GRANT;
                case AGENT -> OAuthError.UNAUTHORIZED_CLIENT;
            };
            throw new OAuthException(error, e.getMessage(), e);
        } catch (OAuthException e) {
            throw e;
        } catch (MandateException e) {
            if (e.code() == ErrorCode.UNAVAILABLE) {
                throw new OAuthException(OAuthError.TEMPORARILY_UNAVAILABLE, e.getMessage(), e);
            }
            if (e.code() == ErrorCode.BAD_REQUEST) {
                throw new OAuthException(OAuthError.INVALID_REQUEST, e.getMessage(), e);
            }
            throw e;
        }
    }
}
