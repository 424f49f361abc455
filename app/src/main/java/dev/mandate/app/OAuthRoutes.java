package dev.mandate.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.app.http.AdminToken;
import dev.mandate.app.http.HttpServer;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.MandateException;
import dev.mandate.core.oauth.ClientCertificate;
import dev.mandate.core.oauth.DpopVerifier;
import dev.mandate.core.oauth.MandateDetails;
import dev.mandate.core.oauth.MandateTokens;
import dev.mandate.core.oauth.OAuthError;
import dev.mandate.core.oauth.OAuthException;
import dev.mandate.core.oauth.PresentedProof;
import dev.mandate.core.oauth.TokenExchange;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The OAuth 2.0 endpoints: {@code POST /oauth2/token} (RFC 8693 token exchange with RFC 9396 authorization details of
 * type {@code mandate}, DPoP-bound per RFC 9449; a mandate token alone renews its mandate), {@code POST
 * /oauth2/revoke} (RFC 7009: the holder closes its mandate), {@code POST /oauth2/introspect} (RFC 7662, admin token) and
 * {@code GET /.well-known/oauth-authorization-server} (RFC 8414). Every failure answers with the OAuth error JSON
 * ({@code error}, {@code error_description}), never a stack trace or a 500 for bad input.
 */
final class OAuthRoutes implements RouteGroup {
    /** The longest {@code authorization_details} parameter accepted. */
    static final int MAX_DETAILS_LENGTH = 8192;

    /** The longest value of any other form parameter. */
    static final int MAX_PARAM_LENGTH = MandateTokens.MAX_TOKEN_LENGTH;

    /** The parameters of {@code POST /oauth2/token}; others are ignored (RFC 6749 §3.2). */
    static final Set<String> TOKEN_PARAMS = Set.of(
            "grant_type",
            "subject_token",
            "subject_token_type",
            "actor_token",
            "actor_token_type",
            "authorization_details",
            "requested_token_type",
            "audience",
            "resource",
            "scope",
            "client_id",
            "dpop_jkt");

    private static final Set<String> DETAIL_FIELDS =
            Set.of("type", "purpose", "tools", "resources", "ttl", "on_behalf_of");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern JKT = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final TokenExchange exchange;
    private final MandateTokens tokens;
    private final DpopVerifier dpop;
    private final AdminToken adminToken;

    private final @Nullable TlsClientAuth tlsClients;

    OAuthRoutes(TokenExchange exchange, MandateTokens tokens, DpopVerifier dpop, AdminToken adminToken) {
        this(exchange, tokens, dpop, adminToken, null);
    }

    OAuthRoutes(
            TokenExchange exchange,
            MandateTokens tokens,
            DpopVerifier dpop,
            AdminToken adminToken,
            @Nullable TlsClientAuth tlsClients) {
        this.exchange = exchange;
        this.tokens = tokens;
        this.dpop = dpop;
        this.adminToken = adminToken;
        this.tlsClients = tlsClients;
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/oauth2/token", ctx -> answer(ctx, () -> token(ctx)));
        routes.post("/oauth2/introspect", ctx -> answer(ctx, () -> introspect(ctx)));
        routes.post("/oauth2/revoke", ctx -> answer(ctx, () -> revoke(ctx)));
        routes.get("/.well-known/oauth-authorization-server", ctx -> ctx.json(metadata()));
    }

    private interface Handler {
        Map<String, Object> handle();
    }

    private static void answer(Context ctx, Handler handler) {
        ctx.header("Cache-Control", "no-store").header("Pragma", "no-cache");
        try {
            ctx.json(handler.handle());
        } catch (RuntimeException e) {
            OAuthFailure f = OAuthFailure.of(e, ctx.method().name(), ctx.path());
            error(ctx, f.error(), f.description());
        }
    }

    private static void error(Context ctx, OAuthError error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error.wireName());
        body.put("error_description", description);
        if (error == OAuthError.INVALID_CLIENT) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"mandate\"");
        }
        ctx.status(error.httpStatus()).json(body);
    }

    private Map<String, Object> token(Context ctx) {
        Map<String, String> form = form(ctx, TOKEN_PARAMS);
        String grantType = required(form, "grant_type");
        if (!TokenExchange.GRANT_TYPE.equals(grantType)) {
            throw new OAuthException(
                    OAuthError.UNSUPPORTED_GRANT_TYPE,
                    "grant_type '" + abbreviate(grantType) + "' is not supported; use " + TokenExchange.GRANT_TYPE);
        }
        String requested = form.get("requested_token_type");
        if (requested != null && !TokenExchange.ACCESS_TOKEN_TYPE.equals(requested)) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "requested_token_type must be " + TokenExchange.ACCESS_TOKEN_TYPE + " (a mandate token)");
        }
        String audience = form.get("audience");
        if (audience != null && !audience.equals(tokens.audience())) {
            throw new OAuthException(
                    OAuthError.INVALID_TARGET, "audience must be '" + tokens.audience() + "' (config oauth.audience)");
        }
        MandateDetails details = details(form.get("authorization_details"));
        if (!form.containsKey("subject_token") && tlsClients != null) {
            return tokenAnswer(byClientCertificate(ctx, form, details));
        }
        String subjectToken = required(form, "subject_token");
        String subjectType = required(form, "subject_token_type");
        String actorToken = form.get("actor_token");
        if (actorToken == null && TokenExchange.ACCESS_TOKEN_TYPE.equals(subjectType)) {
            // A mandate token without an actor token: a renewal, or a delegation to the TLS client.
            return tokenAnswer(presentedMandateToken(ctx, form, subjectToken, details));
        }
        // A delegation's proof is verified once the parent token says whether it must carry the token's hash.
        String jkt = actorToken == null ? dpopKey(ctx) : null;
        if (actorToken == null && form.containsKey("dpop_jkt")) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "dpop_jkt names the sub-agent's key when delegating (with actor_token); here the DPoP proof's key"
                            + " binds the token");
        }
        TokenExchange.Result r;
        if (actorToken == null) {
            if (form.containsKey("actor_token_type")) {
                throw new OAuthException(OAuthError.INVALID_REQUEST, "actor_token_type without actor_token");
            }
            r = exchange.open(subjectToken, subjectType, details, jkt);
        } else {
            r = exchange.delegate(
                    subjectToken,
                    subjectType,
                    actorToken,
                    required(form, "actor_token_type"),
                    details,
                    presentedProof(ctx),
                    thumbprint(form.get("dpop_jkt")),
                    certificateThumbprint(ctx));
        }
        return tokenAnswer(r);
    }

    /**
     * A mandate token presented alone. Without {@code authorization_details} it is the agent's heartbeat for its own
     * mandate; with them, over the TLS listener with a client certificate, it is a delegation to the client (RFC 8705
     * {@code tls_client_auth}: the sub-agent's X.509-SVID stands for the {@code actor_token}).
     */
    private TokenExchange.Result presentedMandateToken(
            Context ctx, Map<String, String> form, String token, MandateDetails details) {
        if (form.containsKey("actor_token_type")) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, "actor_token_type without actor_token");
        }
        ClientCertificate certificate = clientCertificate(ctx);
        if (!form.containsKey("authorization_details")) {
            if (form.containsKey("dpop_jkt")) {
                throw new OAuthException(
                        OAuthError.INVALID_REQUEST,
                        "dpop_jkt names the sub-agent's key when delegating (with actor_token); here the DPoP proof's"
                                + " key binds the token");
            }
            return exchange.renew(token, presentedProof(ctx), certificate);
        }
        if (certificate == null) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "renewing a mandate (a mandate token without actor_token) takes no authorization_details; to"
                            + " delegate, add the sub-agent's JWT-SVID as actor_token, or let the sub-agent call over"
                            + " the TLS listener with its X.509-SVID as client certificate");
        }
        return exchange.delegateToCertificate(
                token, details, presentedProof(ctx), thumbprint(form.get("dpop_jkt")), certificate);
    }

    /** The request's client certificate (RFC 8705), verified as an X.509-SVID only when asked for; null if none. */
    private @Nullable ClientCertificate clientCertificate(Context ctx) {
        String x5t = certificateThumbprint(ctx);
        TlsClientAuth clients = tlsClients;
        if (x5t == null || clients == null) {
            return null;
        }
        return new ClientCertificate(x5t, () -> clients.authenticate(ctx, null));
    }

    /** RFC 8705 {@code tls_client_auth}: no subject token, the agent is its client certificate's SPIFFE ID. */
    private TokenExchange.Result byClientCertificate(Context ctx, Map<String, String> form, MandateDetails details) {
        TlsClientAuth clients = java.util.Objects.requireNonNull(tlsClients);
        if (form.containsKey("actor_token") || form.containsKey("subject_token_type")) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "parameter subject_token is required with subject_token_type or actor_token; only opening a"
                            + " mandate may rely on the client certificate alone");
        }
        if (form.containsKey("dpop_jkt")) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "dpop_jkt names the sub-agent's key when delegating (with actor_token)");
        }
        var agent = clients.authenticate(ctx, form.get("client_id"));
        // A DPoP proof, when sent, binds the token to its key; else the token is bound to the certificate (RFC 8705).
        return exchange.openByCertificate(
                agent, details, dpopKey(ctx), java.util.Objects.requireNonNull(certificateThumbprint(ctx)));
    }

    /** The RFC 8705 §3.1 thumbprint of the request's client certificate, or null when none came (plain HTTP). */
    private static @Nullable String certificateThumbprint(Context ctx) {
        List<java.security.cert.X509Certificate> chain = HttpServer.clientChain(ctx);
        return chain.isEmpty() ? null : MandateTokens.certificateThumbprint(chain.get(0));
    }

    private static Map<String, Object> tokenAnswer(TokenExchange.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("access_token", r.token().token());
        out.put("issued_token_type", TokenExchange.ACCESS_TOKEN_TYPE);
        out.put("token_type", r.tokenType());
        out.put("expires_in", r.expiresIn());
        out.put("scope", String.join(" ", r.mandate().tools()));
        out.put("mandate_id", r.mandate().id());
        Map<String, Object> granted = new LinkedHashMap<>();
        granted.put("type", MandateDetails.TYPE);
        granted.put("purpose", r.mandate().purpose());
        granted.put("tools", List.copyOf(r.mandate().tools()));
        granted.put("resources", List.copyOf(r.mandate().resources()));
        granted.put("expires", r.mandate().expires().toString());
        out.put("authorization_details", List.of(granted));
        return out;
    }

    private @Nullable String dpopKey(Context ctx) {
        PresentedProof proof = presentedProof(ctx);
        return proof == null ? null : proof.verify(null);
    }

    private @Nullable PresentedProof presentedProof(Context ctx) {
        List<String> proofs = java.util.Collections.list(ctx.req().getHeaders("DPoP"));
        if (proofs.isEmpty()) {
            return null;
        }
        if (proofs.size() > 1) {
            throw new OAuthException(OAuthError.INVALID_DPOP_PROOF, "send exactly one DPoP header");
        }
        String header = proofs.get(0);
        String method = ctx.method().name();
        URI uri = URI.create(ctx.url());
        return accessToken -> dpop.verify(header, method, uri, accessToken);
    }

    /** A JWK SHA-256 thumbprint (RFC 7638) as {@code dpop_jkt} carries it: 43 base64url characters. */
    private static @Nullable String thumbprint(@Nullable String jkt) {
        if (jkt != null && !JKT.matcher(jkt).matches()) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "dpop_jkt must be a JWK SHA-256 thumbprint (RFC 7638): 43 base64url characters, got '"
                            + abbreviate(jkt) + "'");
        }
        return jkt;
    }

    /**
     * RFC 7009 revocation by the token's holder: revoking a mandate token closes its mandate (the task ended), with
     * its delegated mandates and their leases. A token that does not verify or has already ended answers 200 as the
     * RFC asks; a DPoP-bound token needs a proof by its key.
     */
    private Map<String, Object> revoke(Context ctx) {
        Map<String, String> form = form(ctx, Set.of("token", "token_type_hint"));
        String token = required(form, "token");
        String hint = form.get("token_type_hint");
        if (hint != null && !hint.equals("access_token")) {
            throw new OAuthException(
                    OAuthError.UNSUPPORTED_TOKEN_TYPE,
                    "only mandate tokens (token_type_hint access_token) are revoked here");
        }
        List<String> ended;
        try {
            ended = exchange.close(token, presentedProof(ctx), clientCertificate(ctx));
        } catch (OAuthException e) {
            if (e.error() == OAuthError.INVALID_GRANT) {
                return Map.of(); // RFC 7009 §2.2: an invalid token is not an error
            }
            throw e;
        }
        return Map.of("closed", ended);
    }

    private Map<String, Object> introspect(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null
                || !header.regionMatches(true, 0, "Bearer ", 0, 7)
                || !adminToken.matches(header.substring(7).strip())) {
            throw new OAuthException(
                    OAuthError.INVALID_CLIENT, "introspection needs the admin token: Authorization: Bearer <token>");
        }
        Map<String, String> form = form(ctx, Set.of("token", "token_type_hint"));
        return exchange.introspect(required(form, "token"));
    }

    private Map<String, Object> metadata() {
        String issuer = tokens.issuer();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("issuer", issuer);
        m.put("token_endpoint", issuer + "/oauth2/token");
        m.put("introspection_endpoint", issuer + "/oauth2/introspect");
        m.put("revocation_endpoint", issuer + "/oauth2/revoke");
        m.put("revocation_endpoint_auth_methods_supported", List.of("none"));
        m.put("jwks_uri", issuer + "/.well-known/jwks.json");
        m.put("grant_types_supported", List.of(TokenExchange.GRANT_TYPE));
        m.put("response_types_supported", List.of());
        m.put(
                "token_endpoint_auth_methods_supported",
                tlsClients == null ? List.of("none") : List.of("none", "tls_client_auth"));
        if (tlsClients != null) {
            m.put("tls_client_certificate_bound_access_tokens", true); // RFC 8705 §3.3
        }
        m.put("introspection_endpoint_auth_methods_supported", List.of("bearer"));
        m.put("dpop_signing_alg_values_supported", List.of("ES256", "ES384", "ES512", "RS256", "PS256"));
        m.put("authorization_details_types_supported", List.of(MandateDetails.TYPE));
        return m;
    }

    private static Map<String, String> form(Context ctx, Set<String> allowed) {
        String contentType = ctx.contentType();
        if (contentType == null
                || !contentType.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, "the body must be application/x-www-form-urlencoded");
        }
        int badEscape = badEscape(ctx.body());
        if (badEscape >= 0) {
            throw new OAuthException(
                    OAuthError.INVALID_REQUEST,
                    "the form body is malformed: the '%' at offset " + badEscape
                            + " is not followed by two hexadecimal digits (application/x-www-form-urlencoded)");
        }
        Map<String, List<String>> raw;
        try {
            raw = ctx.formParamMap();
        } catch (IllegalArgumentException e) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, "the form body is malformed");
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : raw.entrySet()) {
            String name = e.getKey();
            if (!allowed.contains(name)) {
                continue; // RFC 6749 §3.2: unrecognised parameters are ignored
            }
            if (e.getValue().size() != 1) {
                throw new OAuthException(OAuthError.INVALID_REQUEST, "parameter " + name + " is repeated");
            }
            String value = e.getValue().get(0);
            int max = name.equals("authorization_details") ? MAX_DETAILS_LENGTH : MAX_PARAM_LENGTH;
            if (value.length() > max) {
                throw new OAuthException(
                        OAuthError.INVALID_REQUEST, "parameter " + name + " is longer than " + max + " characters");
            }
            if (!value.isEmpty()) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** The offset of the first {@code %} not followed by two hexadecimal digits, or -1 if every escape is whole. */
    static int badEscape(String body) {
        for (int i = body.indexOf('%'); i >= 0; i = body.indexOf('%', i + 1)) {
            if (i + 2 >= body.length()
                    || Character.digit(body.charAt(i + 1), 16) < 0
                    || Character.digit(body.charAt(i + 2), 16) < 0) {
                return i;
            }
        }
        return -1;
    }

    private static String required(Map<String, String> form, String name) {
        String v = form.get(name);
        if (v == null) {
            throw new OAuthException(OAuthError.INVALID_REQUEST, "parameter " + name + " is required");
        }
        return v;
    }

    static MandateDetails details(@Nullable String text) {
        if (text == null) {
            return new MandateDetails(null, null, null, null, null);
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw badDetails("authorization_details is not valid JSON");
        }
        if (root == null || !root.isArray() || root.size() != 1 || !root.get(0).isObject()) {
            throw badDetails("authorization_details must be a JSON array of exactly one object");
        }
        JsonNode d = root.get(0);
        for (String field : (Iterable<String>) d::fieldNames) {
            if (!DETAIL_FIELDS.contains(field)) {
                throw badDetails("unknown field '" + abbreviate(field) + "' in the mandate detail; accepted: "
                        + String.join(", ", DETAIL_FIELDS));
            }
        }
        JsonNode type = d.get("type");
        if (type == null || !MandateDetails.TYPE.equals(type.asText(null))) {
            throw badDetails("the authorization detail's type must be '" + MandateDetails.TYPE + "'");
        }
        JsonNode ttl = d.get("ttl");
        Duration duration = null;
        if (ttl != null && !ttl.isNull()) {
            if (!ttl.canConvertToLong() || !ttl.isIntegralNumber() || ttl.asLong() < 1 || ttl.asLong() > 31_536_000) {
                throw badDetails("ttl must be a whole number of seconds from 1 to 31536000");
            }
            duration = Duration.ofSeconds(ttl.asLong());
        }
        try {
            return new MandateDetails(
                    text(d, "purpose"), words(d, "tools"), words(d, "resources"), duration, text(d, "on_behalf_of"));
        } catch (OAuthException e) {
            throw e;
        } catch (MandateException e) {
            throw badDetails(e.getMessage());
        }
    }

    private static @Nullable String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw badDetails(field + " must be a string");
        }
        return v.asText();
    }

    private static @Nullable Set<String> words(JsonNode d, String field) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw badDetails(field + " must be an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw badDetails(field + " must be an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    private static OAuthException badDetails(String why) {
        return new OAuthException(OAuthError.INVALID_AUTHORIZATION_DETAILS, why);
    }

    private static String abbreviate(String s) {
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
