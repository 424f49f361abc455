package dev.mandate.gateway;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CallAuthenticator} sees of one HTTP request to the gateway: enough to check a bearer or DPoP-bound
 * token ({@code htm}, {@code htu}, the {@code Authorization} and {@code DPoP} headers) or a certificate-bound one.
 *
 * <p>The gateway builds it over the live HTTP request ({@link #of(Source)}): a header is read when the authenticator
 * asks for it and the URI is built only if asked, because copying every header and rebuilding the URL on each call
 * showed in the gateway's profile while an authenticator usually reads one or two headers. Read it on the thread that
 * handles the request, while the request is being handled.
 */
public final class AuthenticationRequest {
    /** The HTTP request a lazily built {@link AuthenticationRequest} reads from. */
    public interface Source {
        /** The HTTP method, e.g. {@code POST}. */
        String method();

        /** The request URI as the client addressed it. */
        URI uri();

        /** The values of a header, any case of its name; empty if absent. */
        List<String> headerValues(String name);

        /** Every header, names in lower case. */
        Map<String, List<String>> headers();

        /** The client certificate (the leaf) over mutual TLS, or null. */
        @Nullable
        X509Certificate clientCertificate();
    }

    private final Source source;
    private @Nullable URI uri;
    private @Nullable Map<String, List<String>> headers;

    private AuthenticationRequest(Source source) {
        this.source = source;
    }

    /**
     * A request with these parts, the headers copied with lower-case names.
     *
     * @param method the HTTP method, e.g. {@code POST}
     * @param uri the request URI as the client addressed it
     * @param headers the request headers, any case
     * @param clientCertificate the client certificate the request came with over mutual TLS (the leaf), or null over
     *     plain HTTP or without one: what a certificate-bound token ({@code cnf.x5t#S256}, RFC 8705) is checked against
     */
    public AuthenticationRequest(
            String method, URI uri, Map<String, List<String>> headers, @Nullable X509Certificate clientCertificate) {
        this(new Copied(method, uri, lowerCase(headers), clientCertificate));
    }

    /**
     * A request without a client certificate.
     *
     * @param method the HTTP method
     * @param uri the request URI
     * @param headers the request headers
     */
    public AuthenticationRequest(String method, URI uri, Map<String, List<String>> headers) {
        this(method, uri, headers, null);
    }

    /**
     * A request that reads its parts from {@code source} when asked.
     *
     * @param source the HTTP request
     * @return the request
     */
    public static AuthenticationRequest of(Source source) {
        return new AuthenticationRequest(Objects.requireNonNull(source, "source"));
    }

    /** The HTTP method, e.g. {@code POST}. */
    public String method() {
        return source.method();
    }

    /** The request URI as the client addressed it. */
    public URI uri() {
        URI u = uri;
        if (u == null) {
            u = source.uri();
            uri = u;
        }
        return u;
    }

    /** The request headers, names in lower case. */
    public Map<String, List<String>> headers() {
        Map<String, List<String>> h = headers;
        if (h == null) {
            h = lowerCase(source.headers());
            headers = h;
        }
        return h;
    }

    /** The client certificate the request came with over mutual TLS (the leaf), or null. */
    public @Nullable X509Certificate clientCertificate() {
        return source.clientCertificate();
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, any case
     * @return the value, or null if absent
     */
    public @Nullable String header(String name) {
        List<String> values = source.headerValues(name);
        return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public String toString() {
        // Header values carry tokens: never printed.
        return "AuthenticationRequest[" + method() + " " + uri() + ", headers "
                + headers().keySet() + "]";
    }

    private static Map<String, List<String>> lowerCase(Map<String, List<String>> headers) {
        TreeMap<String, List<String>> copy = new TreeMap<>();
        headers.forEach((k, v) -> copy.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
            List<String> all = new ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        return Collections.unmodifiableMap(copy);
    }

    /** The parts given whole, headers already in lower case. */
    private record Copied(
            String method,
            URI uri,
            Map<String, List<String>> headers,
            @Nullable X509Certificate clientCertificate) implements Source {
        @Override
        public List<String> headerValues(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? List.of() : values;
        }
    }
}
