package dev.mandate.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.mandate.app.http.DirectAnswer;
import dev.mandate.app.http.DirectRequest;
import dev.mandate.app.http.DirectRoute;
import dev.mandate.app.http.RouteGroup;
import dev.mandate.core.oauth.DpopVerifier;
import dev.mandate.core.oauth.MandateDetails;
import dev.mandate.core.oauth.MandateTokens;
import dev.mandate.core.oauth.OAuthError;
import dev.mandate.core.oauth.TokenExchange;
import io.javalin.config.RoutesConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The hot case of {@code POST /oauth2/token} served as a {@link DirectRoute}, ahead of Javalin: an agent opening a root
 * mandate with its JWT-SVID as subject token (RFC 8693), optionally DPoP-bound (RFC 9449), over the plain listener.
 * That is the request a node answers most often, and Javalin's servlet stack around it (request and response objects,
 * form parsing, the context, before/after handlers) cost about as much CPU as the exchange itself.
 *
 * <p>It does exactly what {@link OAuthRoutes} does for that case, and nothing else: every other token request
 * (renewal, delegation, client certificates) and every request it is not sure of (another content type or charset, a
 * malformed or repeated or too long parameter, another grant or token type, unknown audience, invalid {@code
 * authorization_details}, several DPoP headers) is declined before any side effect and answered by {@link
 * OAuthRoutes}, which writes the error. From the DPoP proof's verification on (which records its {@code jti}) the
 * request is its own: failures are answered through the same mapping as there ({@link OAuthFailure}), with the same
 * headers. The subject token is verified, the mandate's issuance decided, stored and audited by {@link TokenExchange}
 * exactly as on the Javalin route.
 */
final class TokenEndpoint implements RouteGroup, DirectRoute {
    private static final String PATH = "/oauth2/token";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final JsonFactory JSON = new JsonFactory();
    private static final Map<String, String> NO_STORE = Map.of("Cache-Control", "no-store", "Pragma", "no-cache");
    private static final Map<String, String> NO_STORE_CHALLENGE =
            Map.of("Cache-Control", "no-store", "Pragma", "no-cache", "WWW-Authenticate", "Bearer realm=\"mandate\"");

    private final TokenExchange exchange;
    private final MandateTokens tokens;
    private final DpopVerifier dpop;

    TokenEndpoint(TokenExchange exchange, MandateTokens tokens, DpopVerifier dpop) {
        this.exchange = exchange;
        this.tokens = tokens;
        this.dpop = dpop;
    }

    @Override
    public void register(RoutesConfig routes) {
        // OAuthRoutes registers the Javalin route that answers what this one declines.
    }

    @Override
    public List<DirectRoute> directRoutes() {
        return List.of(this);
    }

    @Override
    public String method() {
        return "POST";
    }

    @Override
    public String path() {
        return PATH;
    }

    @Override
    public @Nullable DirectAnswer handle(DirectRequest request) {
        if (!isUtf8Form(request.contentType())) {
            return null;
        }
        Map<String, String> form = parse(request.body());
        if (form == null
                || !TokenExchange.GRANT_TYPE.equals(form.get("grant_type"))
                || !TokenExchange.JWT_TYPE.equals(form.get("subject_token_type"))
                || form.containsKey("actor_token")
                || form.containsKey("actor_token_type")
                || form.containsKey("dpop_jkt")) {
            return null;
        }
        String subjectToken = form.get("subject_token");
        String requested = form.get("requested_token_type");
        String audience = form.get("audience");
        if (subjectToken == null
                || (requested != null && !TokenExchange.ACCESS_TOKEN_TYPE.equals(requested))
                || (audience != null && !audience.equals(tokens.audience()))) {
            return null;
        }
        MandateDetails details;
        try {
            details = OAuthRoutes.details(form.get("authorization_details"));
        } catch (RuntimeException invalid) {
            return null; // OAuthRoutes answers invalid_authorization_details
        }
        List<String> proofs = request.headers("DPoP");
        if (proofs.size() > 1) {
            return null;
        }
        // From here on the request is ours: verifying a proof records its jti, opening stores a mandate.
        try {
            String jkt = proofs.isEmpty()
                    ? null
                    : dpop.verify(proofs.get(0), request.method(), URI.create(request.url()), null);
            return granted(exchange.open(subjectToken, TokenExchange.JWT_TYPE, details, jkt));
        } catch (RuntimeException e) {
            return refused(OAuthFailure.of(e, request.method(), PATH));
        }
    }

    /** {@code application/x-www-form-urlencoded}, without parameters or with {@code charset=utf-8} only. */
    static boolean isUtf8Form(@Nullable String contentType) {
        if (contentType == null) {
            return false;
        }
        String ct = contentType.toLowerCase(Locale.ROOT);
        if (!ct.startsWith(FORM)) {
            return false;
        }
        String rest = ct.substring(FORM.length()).replace(" ", "");
        return rest.isEmpty() || rest.equals(";charset=utf-8");
    }

    /**
     * Parses a form body the way Javalin does (pairs split at {@code &}, name and value at the first {@code =}, both
     * URL-decoded as UTF-8) and applies {@link OAuthRoutes}' rules to the token parameters (each at most once, within
     * its length limit; empty values count as absent; others ignored).
     *
     * @return the token parameters, or null when OAuthRoutes would refuse the form (malformed, repeated, too long)
     */
    static @Nullable Map<String, String> parse(String body) {
        Map<String, String> out = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('&', start);
            if (end < 0) {
                end = body.length();
            }
            int eq = body.indexOf('=', start);
            boolean hasValue = eq >= 0 && eq < end;
            String name = decode(body.substring(start, hasValue ? eq : end));
            String value = hasValue ? decode(body.substring(eq + 1, end)) : "";
            if (name == null || value == null) {
                return null;
            }
            if (OAuthRoutes.TOKEN_PARAMS.contains(name)) {
                int max = name.equals("authorization_details")
                        ? OAuthRoutes.MAX_DETAILS_LENGTH
                        : OAuthRoutes.MAX_PARAM_LENGTH;
                if (!seen.add(name) || value.length() > max) {
                    return null;
                }
                if (!value.isEmpty()) {
                    out.put(name, value);
                }
            }
            start = end + 1;
        }
        return out;
    }

    private static @Nullable String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** The same answer, field for field, as {@code OAuthRoutes.tokenAnswer}. */
    private static DirectAnswer granted(TokenExchange.Result r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("access_token", r.token().token());
            g.writeStringField("issued_token_type", TokenExchange.ACCESS_TOKEN_TYPE);
            g.writeStringField("token_type", r.tokenType());
            g.writeNumberField("expires_in", r.expiresIn());
            g.writeStringField("scope", String.join(" ", r.mandate().tools()));
            g.writeStringField("mandate_id", r.mandate().id());
            g.writeArrayFieldStart("authorization_details");
            g.writeStartObject();
            g.writeStringField("type", MandateDetails.TYPE);
            g.writeStringField("purpose", r.mandate().purpose());
            writeStrings(g, "tools", r.mandate().tools());
            writeStrings(g, "resources", r.mandate().resources());
            g.writeStringField("expires", r.mandate().expires().toString());
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new DirectAnswer(200, NO_STORE, out.toByteArray());
    }

    private static void writeStrings(JsonGenerator g, String field, Iterable<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static DirectAnswer refused(OAuthFailure f) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("error", f.error().wireName());
            g.writeStringField("error_description", f.description());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DirectAnswer(
                f.error().httpStatus(),
                f.error() == OAuthError.INVALID_CLIENT ? NO_STORE_CHALLENGE : NO_STORE,
                out.toByteArray());
    }
}
