package dev.mandate.core.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditDigest;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.keys.KeyRepository;
import dev.mandate.core.keys.RotatingSigningKeys;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Mandate's own SPIFFE trust domain, for development and single-node use: admins create one-time join tokens for
 * registered agents; an agent exchanges a join token and a CSR for a JWT-SVID (signed with the trust domain's rotating
 * {@code jwt-svid} keys) and an X.509-SVID (issued by the embedded CA), and renews both before they expire by proving
 * possession of its current X.509-SVID key. Its trust bundle is served in the SPIFFE format and is one of the bundles
 * the verifiers trust. Thread-safe.
 */
public final class EmbeddedTrustDomain implements TrustBundleSource {
    /** The {@code aud} a renewal proof must carry. */
    public static final String RENEW_AUDIENCE = "mandate-svid-renew";
    /** The most audiences one JWT-SVID may have. */
    public static final int MAX_AUDIENCES = 10;
    /** The longest audience. */
    public static final int MAX_AUDIENCE_LENGTH = 256;
    /** How old a renewal proof may be. */
    public static final Duration MAX_PROOF_AGE = Duration.ofMinutes(5);
    /** The stored key set of the keys that sign JWT-SVIDs. */
    public static final String JWT_SVID_KEY_SET = "jwt-svid";
    /** The stored key set of the X.509 CA's roots, the issuing one and those retired but still published. */
    public static final String CA_KEY_SET = EmbeddedCa.KEY_SET;

    /**
     * Lifetimes and limits of the embedded trust domain.
     *
     * @param trustDomain its name
     * @param jwtSvidTtl lifetime of a JWT-SVID
     * @param x509SvidTtl lifetime of an X.509-SVID
     * @param joinTokenTtl lifetime of an unused join token
     * @param keyRetention how long a retired JWT-SVID key stays in the bundle; at least {@code jwtSvidTtl}
     * @param clockSkew how far a workload's clock may be off
     */
    public record Settings(
            String trustDomain,
            Duration jwtSvidTtl,
            Duration x509SvidTtl,
            Duration joinTokenTtl,
            Duration keyRetention,
            Duration clockSkew) {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Settings settings;
    private final RotatingSigningKeys jwtKeys;
    private final KeyRepository keys;
    private volatile EmbeddedCa ca; // replaced whole by rotateCa
    private final JoinTokenRepository joinTokens;
    private final AgentRegistry agents;
    private final AuditSink audit;
    private final Clock clock;
    private final X509SvidVerifier ownChains;
    private final java.util.List<Runnable> caListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private EmbeddedTrustDomain(
            Settings settings,
            RotatingSigningKeys jwtKeys,
            EmbeddedCa ca,
            KeyRepository keys,
            JoinTokenRepository joinTokens,
            AgentRegistry agents,
            AuditSink audit,
            Clock clock) {
        this.settings = settings;
        this.jwtKeys = jwtKeys;
        this.ca = ca;
        this.keys = keys;
        this.joinTokens = joinTokens;
        this.agents = agents;
        this.audit = audit;
        this.clock = clock;
        this.ownChains = new X509SvidVerifier(td -> bundle(td), clock);
    }

    /**
     * Opens the trust domain, creating its CA and JWT-SVID key on first start.
     *
     * @param settings lifetimes and limits
     * @param keys where the CA and the JWT-SVID keys live
     * @param joinTokens where join token digests live
     * @param agents the registered agents
     * @param audit where issuance is recorded
     * @param clock the time source
     * @return the open trust domain
     * @throws MandateException with {@code UNAVAILABLE} if the store or audit log cannot be used
     */
    public static EmbeddedTrustDomain open(
            Settings settings,
            KeyRepository keys,
            JoinTokenRepository joinTokens,
            AgentRegistry agents,
            AuditSink audit,
            Clock clock) {
        Duration retention = settings.keyRetention().compareTo(settings.jwtSvidTtl()) >= 0
                ? settings.keyRetention()
                : settings.jwtSvidTtl();
        RotatingSigningKeys jwtKeys = RotatingSigningKeys.open(
                keys, JWT_SVID_KEY_SET, TrustBundle.JWT_SVID, JWSAlgorithm.ES256, clock, retention, audit);
        EmbeddedCa ca = EmbeddedCa.loadOrCreate(keys, settings.trustDomain(), clock, audit);
        return new EmbeddedTrustDomain(settings, jwtKeys, ca, keys, joinTokens, agents, audit, clock);
    }

    /**
     * Returns the trust domain's name.
     *
     * @return e.g. {@code mandate.local}
     */
    public String trustDomain() {
        return settings.trustDomain();
    }

    /**
     * Returns the trust bundle: the JWT-SVID keys still valid and the CA certificate.
     *
     * @return the bundle
     */
    public TrustBundle bundle() {
        List<JWK> jwt = new ArrayList<>(jwtKeys.publicJwks().getKeys());
        EmbeddedCa current = ca;
        List<X509Certificate> roots = new ArrayList<>();
        roots.add(current.root());
        Instant now = clock.instant();
        for (EmbeddedCa.RetiredRoot old : current.retired()) {
            if (now.isBefore(publishedUntil(old))) {
                roots.add(old.root());
            }
        }
        return new TrustBundle(settings.trustDomain(), jwt, roots, 0);
    }

    /** A retired root issued its last leaf when it retired; those leaves live at most one X.509-SVID lifetime. */
    private Instant publishedUntil(EmbeddedCa.RetiredRoot old) {
        return old.retiredAt().plus(settings.x509SvidTtl()).plus(settings.clockSkew());
    }

    /**
     * Rotates the X.509 CA: a new root issues every X.509-SVID from now on and joins the bundle; the old root stays in
     * the bundle beside it until every X.509-SVID it issued has expired (one {@code svid.x509-ttl} plus the clock
     * skew), so workloads that refreshed their bundle in between keep verifying each other. Roots retired longer ago
     * are removed from the store. Audited as {@code key.rotated} for key set {@code x509-ca}.
     *
     * @param actor who asks, for the audit log
     * @return the new root's certificate
     * @throws MandateException with {@code UNAVAILABLE} if the store or audit log cannot be written
     */
    public synchronized X509Certificate rotateCa(String actor) {
        EmbeddedCa next = EmbeddedCa.rotate(keys, settings.trustDomain(), clock, audit, actor);
        ca = next;
        // Roots no longer published cannot anchor a valid leaf: drop them from the store.
        keys.removeRetiredBefore(
                EmbeddedCa.KEY_SET,
                clock.instant().minus(settings.x509SvidTtl()).minus(settings.clockSkew()));
        tellCaRotated();
        return next.root();
    }

    /**
     * Adds a listener told, after the fact, whenever the issuing root changes: rotated here ({@link #rotateCa}) or
     * learned from the store ({@link #reload}). The node's TLS listener re-issues its own certificate from the new
     * root then, rather than at its next renewal. It must only hand the news on, never block; what it throws is
     * ignored (the rotation is in force).
     *
     * @param listener told of each new issuing root
     */
    public void onCaRotated(Runnable listener) {
        caListeners.add(java.util.Objects.requireNonNull(listener, "listener"));
    }

    private void tellCaRotated() {
        for (Runnable l : caListeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                // the new root issues regardless; a listener's failure is its own
            }
        }
    }

    /**
     * Reads again those of the trust domain's key sets that another node sharing the store has changed: the JWT-SVID
     * keys ({@value #JWT_SVID_KEY_SET}) and the CA ({@value #CA_KEY_SET}). Afterwards this node issues with the keys
     * rotated there, and its bundle and verifiers trust them; a new issuing root is told to the {@link #onCaRotated}
     * listeners. Names of other key sets are ignored.
     *
     * @param changed the names of the key sets written in the store
     * @return whether any of them was one of the trust domain's, and was read again
     * @throws MandateException with {@code UNAVAILABLE} if the store cannot be read, {@code INTERNAL} if it holds no
     *     issuing CA root; the keys loaded before then stay in use
     */
    public boolean reload(Set<String> changed) {
        boolean jwt = changed.contains(JWT_SVID_KEY_SET);
        boolean root = changed.contains(CA_KEY_SET);
        if (jwt) {
            jwtKeys.reload();
        }
        boolean rotated = false;
        if (root) {
            synchronized (this) { // not between rotateCa's store write and its own swap
                X509Certificate before = ca.root();
                ca = EmbeddedCa.load(keys);
                rotated = !before.equals(ca.root());
            }
        }
        if (rotated) {
            tellCaRotated();
        }
        return jwt || root;
    }

    /**
     * Returns the key id of the JWT-SVID signing key in use.
     *
     * @return the kid new JWT-SVIDs carry
     */
    public String currentJwtKid() {
        return jwtKeys.currentKid();
    }

    @Override
    public Optional<TrustBundle> bundle(String trustDomain) {
        return trustDomain.equals(settings.trustDomain()) ? Optional.of(bundle()) : Optional.empty();
    }

    /**
     * Rotates the JWT-SVID signing key; SVIDs signed by the old one keep verifying until they expire.
     *
     * @param actor who asks, for the audit log
     * @return the new key id
     */
    public String rotateJwtKey(String actor) {
        return jwtKeys.rotate(actor);
    }

    /**
     * Creates a one-time join token for an active agent of this trust domain. Only its digest is stored.
     *
     * @param agentName the agent
     * @param actor who asks, for the audit log
     * @return the token, to be shown once
     * @throws MandateException with {@code NOT_FOUND} for an unknown agent, {@code CONFLICT} if it is disabled or not
     *     of this trust domain, {@code UNAVAILABLE} if the store or audit log cannot be written
     */
    public IssuedJoinToken createJoinToken(String agentName, String actor) {
        Agent agent = agents.get(agentName);
        if (!agent.isActive()) {
            throw new MandateException(
                    ErrorCode.CONFLICT, "agent '" + agentName + "' is disabled; enable it before it can join");
        }
        if (!agent.id().trustDomain().equals(settings.trustDomain())) {
            throw new MandateException(
                    ErrorCode.CONFLICT,
                    "agent '" + agentName + "' is " + agent.id() + ", not of the embedded trust domain "
                            + settings.trustDomain() + "; its SVIDs come from its own trust domain");
        }
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = "mjt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Instant expiresAt = now.plus(settings.joinTokenTtl());
        String digest = AuditDigest.of(token);
        audit.record(new AuditEntry(
                "join-token.created",
                actor,
                agent.id().toString(),
                null,
                Map.of("tokenDigest", digest, "expiresAt", expiresAt.toString())));
        joinTokens.add(digest, agentName, now, expiresAt);
        return new IssuedJoinToken(token, agent.id(), expiresAt);
    }

    /**
     * Exchanges a join token and a CSR for SVIDs. The token is used up even if issuance then fails.
     *
     * @param joinToken the one-time token
     * @param csrPem a PEM PKCS#10 CSR for the workload's ECDSA P-256 key, signed with it
     * @param audiences the JWT-SVID's audiences
     * @return the SVIDs
     * @throws IdentityException with {@code INVALID_JOIN_TOKEN} or {@code BAD_PROOF}
     * @throws MandateException with {@code BAD_REQUEST} for a bad CSR or audience, {@code FORBIDDEN} if the agent is
     *     disabled, {@code UNAVAILABLE} if the store or audit log cannot be used
     */
    public IssuedSvids issue(String joinToken, String csrPem, List<String> audiences) {
        checkAudiences(audiences);
        PublicKey key = Csr.verifiedPublicKey(csrPem);
        if (joinToken.length() > 200) {
            throw invalidJoinToken();
        }
        String agentName = joinTokens
                .consume(AuditDigest.of(joinToken), clock.instant())
                .orElseThrow(EmbeddedTrustDomain::invalidJoinToken);
        Agent agent = agents.get(agentName);
        return issueTo(agent, key, audiences, "join-token");
    }

    /**
     * Renews SVIDs before the current X.509-SVID expires. The workload proves possession of the current SVID's key
     * with {@code proof}: a JWS signed with that key (ES256) whose claims are {@code sub} = its SPIFFE ID, {@code aud}
     * = {@value #RENEW_AUDIENCE}, {@code iat} within {@link #MAX_PROOF_AGE}, and {@code csr_sha256} = base64url of the
     * SHA-256 of the new CSR's DER encoding. The CSR proves possession of the new key (which may be the same key).
     *
     * @param currentChain the current X.509-SVID, leaf first
     * @param csrPem a PEM PKCS#10 CSR for the key to certify
     * @param proof the signed renewal request
     * @param audiences the new JWT-SVID's audiences
     * @return the new SVIDs
     * @throws IdentityException if the current SVID does not verify (e.g. {@code EXPIRED}) or with {@code BAD_PROOF}
     * @throws MandateException with {@code BAD_REQUEST}, {@code FORBIDDEN} if the agent is disabled or unknown, or
     *     {@code UNAVAILABLE}
     */
    public IssuedSvids renew(List<X509Certificate> currentChain, String csrPem, String proof, List<String> audiences) {
        checkAudiences(audiences);
        VerifiedWorkload current = ownChains.verify(currentChain);
        PublicKey key = Csr.verifiedPublicKey(csrPem);
        checkRenewProof(proof, currentChain.get(0).getPublicKey(), current.id(), Csr.der(csrPem));
        Agent agent = agents.find(current.id())
                .orElseThrow(() ->
                        new MandateException(ErrorCode.FORBIDDEN, current.id() + " is no longer a registered agent"));
        return issueTo(agent, key, audiences, "renew");
    }

    private void checkRenewProof(String proof, PublicKey currentKey, SpiffeId id, byte[] csrDer) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = JwsChecks.parse(proof, "the renewal proof");
            if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm()) || !(currentKey instanceof ECPublicKey ec)) {
                throw badProof("the renewal proof must be signed ES256 with the current X.509-SVID's key");
            }
            if (!jwt.verify(new ECDSAVerifier(ec))) {
                throw badProof("the renewal proof is not signed with the current X.509-SVID's key");
            }
            claims = jwt.getJWTClaimsSet();
        } catch (IdentityException e) {
            throw e.failure() == IdentityFailure.BAD_PROOF ? e : badProof("the renewal proof: " + e.getMessage());
        } catch (JOSEException | ParseException e) {
            throw badProof("the renewal proof cannot be verified: " + e.getMessage());
        }
        if (!id.toString().equals(claims.getSubject())) {
            throw badProof("the renewal proof's sub must be " + id);
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(RENEW_AUDIENCE)) {
            throw badProof("the renewal proof's aud must be " + RENEW_AUDIENCE);
        }
        Date iat = claims.getIssueTime();
        Instant now = clock.instant();
        if (iat == null
                || iat.toInstant().isBefore(now.minus(MAX_PROOF_AGE))
                || iat.toInstant().isAfter(now.plus(settings.clockSkew()))) {
            throw badProof("the renewal proof's iat must be within " + MAX_PROOF_AGE + " before now");
        }
        Object digest = claims.getClaim("csr_sha256");
        if (!(digest instanceof String d) || !d.equals(sha256(csrDer))) {
            throw badProof("the renewal proof's csr_sha256 does not match the CSR");
        }
    }

    /**
     * Returns the base64url (unpadded) SHA-256 of bytes, as a renewal proof's {@code csr_sha256} carries it.
     *
     * @param bytes the CSR's DER encoding
     * @return the digest
     */
    public static String sha256(byte[] bytes) {
        try {
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    private IssuedSvids issueTo(Agent agent, PublicKey key, List<String> audiences, String method) {
        if (!agent.isActive()) {
            throw new MandateException(ErrorCode.FORBIDDEN, "agent '" + agent.name() + "' is disabled");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Instant jwtExp = now.plus(settings.jwtSvidTtl());
        String jwtSvid = jwtKeys.sign(
                new JWTClaimsSet.Builder()
                        .subject(agent.id().toString())
                        .audience(audiences)
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(jwtExp))
                        .jwtID(UUID.randomUUID().toString())
                        .build(),
                JOSEObjectType.JWT);
        EmbeddedCa issuer = ca; // one CA for the leaf and the chain, even if a rotation happens meanwhile
        X509Certificate leaf =
                issuer.issueLeaf(key, agent.id(), now.minus(settings.clockSkew()), now.plus(settings.x509SvidTtl()));
        Map<String, String> details = new HashMap<>();
        details.put("method", method);
        details.put("serial", leaf.getSerialNumber().toString(16));
        details.put("publicKey", AuditDigest.of(key.getEncoded()));
        details.put("jwtAudience", String.join(" ", audiences));
        details.put("jwtExpiresAt", jwtExp.toString());
        details.put("x509ExpiresAt", leaf.getNotAfter().toInstant().toString());
        audit.record(
                new AuditEntry("svid.issued", agent.id().toString(), agent.id().toString(), null, details));
        return new IssuedSvids(
                agent.id(),
                jwtSvid,
                jwtExp,
                List.of(leaf, issuer.root()),
                leaf.getNotAfter().toInstant());
    }

    /**
     * Issues this node its own X.509-SVID for a TLS listener: a fresh ECDSA P-256 key that never leaves the process,
     * certified by the trust domain's CA for {@code spiffe://<trust domain>/mandate} and the given host names, valid
     * for the configured X.509-SVID lifetime. Agents that trust the domain's bundle can verify the server with it.
     *
     * @param hosts DNS names and IP address literals the listener is reached by
     * @return the certificate chain (leaf, then CA) and its private key
     * @throws MandateException with {@code UNAVAILABLE} if the audit log cannot record the issuance
     */
    public ServerCertificate issueServerCertificate(List<String> hosts) {
        java.security.KeyPair pair;
        try {
            java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("EC");
            generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"));
            pair = generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new MandateException(ErrorCode.INTERNAL, "cannot generate a P-256 key: " + e.getMessage(), e);
        }
        SpiffeId id = SpiffeId.parse("spiffe://" + settings.trustDomain() + "/mandate");
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        EmbeddedCa issuer = ca;
        X509Certificate leaf = issuer.issueLeaf(
                pair.getPublic(), id, hosts, now.minus(settings.clockSkew()), now.plus(settings.x509SvidTtl()));
        Map<String, String> details = new HashMap<>();
        details.put("method", "tls-listener");
        details.put("serial", leaf.getSerialNumber().toString(16));
        details.put("hosts", String.join(" ", hosts));
        details.put("x509ExpiresAt", leaf.getNotAfter().toInstant().toString());
        audit.record(new AuditEntry("svid.issued", "system", id.toString(), null, details));
        return new ServerCertificate(List.of(leaf, issuer.root()), pair.getPrivate());
    }

    private static void checkAudiences(List<String> audiences) {
        if (audiences.isEmpty() || audiences.size() > MAX_AUDIENCES) {
            throw new MandateException(
                    ErrorCode.BAD_REQUEST,
                    "a JWT-SVID needs 1 to " + MAX_AUDIENCES + " audiences, got " + audiences.size());
        }
        for (String a : audiences) {
            if (a.isBlank() || a.length() > MAX_AUDIENCE_LENGTH) {
                throw new MandateException(
                        ErrorCode.BAD_REQUEST,
                        "each audience must be 1-" + MAX_AUDIENCE_LENGTH + " non-blank characters");
            }
        }
    }

    private static IdentityException invalidJoinToken() {
        // One message for unknown, expired and used tokens: the caller learns nothing about which.
        return new IdentityException(
                IdentityFailure.INVALID_JOIN_TOKEN,
                "the join token is unknown, expired or already used; ask an admin for a new one"
                        + " (POST /v1/agents/{name}/join-tokens)");
    }

    private static IdentityException badProof(String message) {
        return new IdentityException(IdentityFailure.BAD_PROOF, message);
    }
}
