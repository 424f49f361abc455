package dev.mandate.gateway;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.credential.IssuedCredential;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which credential an upstream needs and how the gateway hands it over, from {@code upstreams.<name>.credential}: a
 * lease per mandate from one backend and scope, injected into that mandate's upstream calls so the agent never holds
 * it. An HTTP upstream gets a header on every request; a stdio upstream gets environment variables when its process
 * (one per mandate) starts.
 *
 * <p>Templates mix text with placeholders: {@code {secret}} the secret, {@code {basic}} the base64 of
 * {@code username:secret} (HTTP Basic), and {@code {<property>}} a non-secret property of the issued credential such
 * as {@code {username}} or {@code {url}}.
 *
 * @param backend the backend's name under {@code credentials.backends}
 * @param scope one of that backend's scopes
 * @param header the HTTP header to set (HTTP upstreams; {@link #DEFAULT_HEADER} if not configured), or null for stdio
 * @param value the header's value template (HTTP upstreams; {@link #DEFAULT_VALUE}), or null for stdio
 * @param env variable name to value template (stdio upstreams; empty for HTTP)
 * @param maxProcesses the most processes (one per live mandate) a stdio upstream runs at once; 0 for HTTP
 */
public record CredentialBinding(
        String backend,
        String scope,
        @Nullable String header,
        @Nullable String value,
        Map<String, String> env,
        int maxProcesses) {
    /** The header an HTTP upstream gets when none is configured. */
    public static final String DEFAULT_HEADER = "Authorization";
    /** The header value template when none is configured. */
    public static final String DEFAULT_VALUE = "Bearer {secret}";
    /** The most processes per stdio upstream when {@code max-processes} is not configured. */
    public static final int DEFAULT_MAX_PROCESSES = 16;
    /** The highest {@code max-processes} accepted. */
    public static final int MAX_PROCESSES_LIMIT = 1024;
    /** The most environment variables one binding sets. */
    public static final int MAX_ENV = 64;
    /** The longest template accepted, in characters. */
    public static final int MAX_TEMPLATE_LENGTH = 1024;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_-]{0,62})\\}");
    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    /** Headers the transport owns; a credential must not replace them. */
    private static final Set<String> RESERVED_HEADERS = Set.of(
            "host",
            "content-length",
            "content-type",
            "connection",
            "expect",
            "upgrade",
            "accept",
            "mcp-session-id",
            "mcp-protocol-version",
            "last-event-id");

    /**
     * Validates the binding.
     *
     * @throws MandateException with {@code BAD_CONFIG} naming the field, the value and the rule
     */
    public CredentialBinding {
        env = Map.copyOf(env);
        if (backend.isBlank() || scope.isBlank()) {
            throw bad("backend and scope are required");
        }
        boolean http = header != null || value != null;
        if (http == !env.isEmpty()) {
            throw bad("give either header/value (HTTP upstreams) or env (stdio upstreams)");
        }
        if (http) {
            if (header == null || value == null) {
                throw bad("an HTTP credential needs both header and value");
            }
            if (!HEADER.matcher(header).matches() || RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT))) {
                throw bad("header '" + header + "' is not a header name a credential may set (a token of 1-128"
                        + " characters, not one of " + RESERVED_HEADERS + ")");
            }
            checkTemplate("value", value);
            if (maxProcesses != 0) {
                throw bad("max-processes applies to stdio upstreams only");
            }
        } else {
            if (env.size() > MAX_ENV) {
                throw bad("env sets " + env.size() + " variables: at most " + MAX_ENV);
            }
            for (Map.Entry<String, String> e : env.entrySet()) {
                if (!ENV_NAME.matcher(e.getKey()).matches()) {
                    throw bad("env name '" + e.getKey() + "' must match " + ENV_NAME.pattern());
                }
                checkTemplate("env." + e.getKey(), e.getValue());
            }
            if (maxProcesses < 1 || maxProcesses > MAX_PROCESSES_LIMIT) {
                throw bad("max-processes " + maxProcesses + " must be 1 to " + MAX_PROCESSES_LIMIT);
            }
        }
    }

    /**
     * A binding for an HTTP upstream.
     *
     * @param backend the backend's name
     * @param scope the scope
     * @param header the header, or null for {@link #DEFAULT_HEADER}
     * @param value the value template, or null for {@link #DEFAULT_VALUE}
     * @return the binding
     * @throws MandateException with {@code BAD_CONFIG} if a field is invalid
     */
    public static CredentialBinding http(
            String backend, String scope, @Nullable String header, @Nullable String value) {
        return new CredentialBinding(
                backend,
                scope,
                header == null ? DEFAULT_HEADER : header,
                value == null ? DEFAULT_VALUE : value,
                Map.of(),
                0);
    }

    /**
     * A binding for a stdio upstream.
     *
     * @param backend the backend's name
     * @param scope the scope
     * @param env variable name to value template; at least one
     * @param maxProcesses the most processes at once
     * @return the binding
     * @throws MandateException with {@code BAD_CONFIG} if a field is invalid
     */
    public static CredentialBinding stdio(String backend, String scope, Map<String, String> env, int maxProcesses) {
        return new CredentialBinding(backend, scope, null, null, env, maxProcesses);
    }

    /**
     * Renders the header value with a credential. The result contains the secret: hand it to the HTTP request only.
     *
     * @param credential the issued credential
     * @return the header value
     * @throws MandateException with {@code UNAVAILABLE} if the template names a property the credential lacks, or the
     *     result cannot be a header value
     */
    public String renderValue(IssuedCredential credential) {
        if (value == null) {
            throw new IllegalStateException("a stdio credential has no header value");
        }
        String rendered = render(value, credential);
        for (int i = 0; i < rendered.length(); i++) {
            char c = rendered.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new MandateException(
                        ErrorCode.UNAVAILABLE,
                        "the credential from backend '" + backend + "' contains a control character and cannot be"
                                + " sent in header " + header);
            }
        }
        return rendered;
    }

    /**
     * Renders the environment variables with a credential. The result contains the secret: hand it to the process only.
     *
     * @param credential the issued credential
     * @return variable name to value
     * @throws MandateException with {@code UNAVAILABLE} if a template names a property the credential lacks
     */
    public Map<String, String> renderEnv(IssuedCredential credential) {
        Map<String, String> out = new LinkedHashMap<>();
        env.forEach((name, template) -> out.put(name, render(template, credential)));
        return out;
    }

    private String render(String template, IssuedCredential credential) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = switch (name) {
                case "secret" -> credential.secret().reveal();
                case "basic" ->
                    Base64.getEncoder()
                            .encodeToString((property(credential, "username") + ":"
                                            + credential.secret().reveal())
                                    .getBytes(StandardCharsets.UTF_8));
                default -> property(credential, name);
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String property(IssuedCredential credential, String name) {
        String v = credential.properties().get(name);
        if (v == null) {
            throw new MandateException(
                    ErrorCode.UNAVAILABLE,
                    "the credential template names {" + name + "}, which backend '" + backend
                            + "' does not provide (it provides {secret}, {basic} where it has a username, and "
                            + credential.properties().keySet() + ")");
        }
        return v;
    }

    private static void checkTemplate(String field, String template) {
        if (template.isEmpty() || template.length() > MAX_TEMPLATE_LENGTH) {
            throw bad(field + " must be 1 to " + MAX_TEMPLATE_LENGTH + " characters");
        }
        String rest = PLACEHOLDER.matcher(template).replaceAll("");
        if (rest.indexOf('{') >= 0 || rest.indexOf('}') >= 0) {
            throw bad(field + " '" + template + "': braces only around a placeholder such as {secret}, {basic},"
                    + " {username}");
        }
    }

    private static MandateException bad(String rule) {
        return new MandateException(ErrorCode.BAD_CONFIG, rule);
    }
}
