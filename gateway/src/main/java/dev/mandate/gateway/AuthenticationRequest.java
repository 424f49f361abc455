package dev.mandate.gateway;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link CallAuthenticator} sees of one HTTP request to the gateway: enough to check a bearer or DPoP-bound
 * token ({@code htm}, {@code htu}, the {@code Authorization} and {@code DPoP} headers).
 *
 * @param method the HTTP method, e.g. {@code POST}
 * @param uri the request URI as the client addressed it
 * @param headers the request headers, names in lower case
 * @param clientCertificate the client certificate the request came with over mutual TLS (the leaf), or null over
 *     plain HTTP or without one: what a certificate-bound token ({@code cnf.x5t#S256}, RFC 8705) is checked against
 */
public record AuthenticationRequest(
        String method,
        URI uri,
        Map<String, List<String>> headers,
        @Nullable X509Certificate clientCertificate) {
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

    /** Copies the headers with lower-case names. */
    public AuthenticationRequest {
        TreeMap<String, List<String>> copy = new TreeMap<>();
        headers.forEach((k, v) -> copy.merge(k.toLowerCase(Locale.ROOT), List.copyOf(v), (a, b) -> {
            var all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        }));
        headers = java.util.Collections.unmodifiableMap(copy);
    }

    /**
     * Returns the first value of a header.
     *
     * @param name the header name, any case
     * @return the value, or null if absent
     */
    public @Nullable String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
