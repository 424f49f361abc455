package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.MandateException;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.CredentialBinding;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.UpstreamConfig;
import dev.mandate.gateway.credential.Injection;
import dev.mandate.gateway.credential.LeaseInjector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.jspecify.annotations.Nullable;

/**
 * An upstream that needs a credential: one connection per mandate, so that each mandate's requests carry its own
 * lease and nothing of one mandate reaches another's connection. An HTTP upstream's connection sets the credential
 * header on every request and picks up a renewed or replaced lease at once; a stdio upstream runs one process per
 * mandate, started with the credential in its environment and restarted when the lease is replaced. A mandate's
 * connection closes (its process stops) when the mandate ends. Every request that reaches the upstream first records
 * a use of the lease; a request without a credential never reaches it.
 */
final class MandateUpstreams extends PerMandateUpstream {
    /** The most live per-mandate connections to one HTTP upstream. */
    static final int MAX_HTTP_CONNECTIONS = 4096;

    private final UpstreamConfig config;
    private final CredentialBinding binding;
    private final LeaseInjector injector;
    private final Duration timeout;
    private final String version;
    private final ObjectMapper json;
    private final Consumer<String> listChanged;
    private final BiConsumer<String, List<JsonNode>> toolsListed;
    /** Where each mandate's connection sends the requests to the client that belong to no call, by mandate id. */
    private final Function<String, OutsideCalls> outside;

    private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
    /** One HTTP client for all mandates' connections to an HTTP upstream: they share its connection pool. */
    private final @Nullable HttpClient http;

    /** One mandate's connection; its fields are guarded by its monitor, the header is read by the transport. */
    private static final class Connection {
        private volatile String header = "";
        private @Nullable String leaseId;
        private @Nullable Upstream upstream;
        private boolean closed;
    }

    MandateUpstreams(
            UpstreamConfig config,
            LeaseInjector injector,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed,
            Function<String, OutsideCalls> outside) {
        this.outside = outside;
        this.config = config;
        this.binding = Objects.requireNonNull(config.credential(), "credential");
        this.injector = injector;
        this.timeout = timeout;
        this.version = version;
        this.json = json;
        this.listChanged = listChanged;
        this.toolsListed = toolsListed;
        this.http = config instanceof UpstreamConfig.Http ? StreamableHttpUpstream.newClient(timeout) : null;
    }

    @Override
    public String name() {
        return config.name();
    }

    private boolean http() {
        return config instanceof UpstreamConfig.Http;
    }

    /** The caller's connection with a fresh credential, its use recorded; connects (or restarts) as needed. */
    @Override
    Upstream forCaller() {
        CallerContext caller = caller();
        Connection c = connection(caller);
        synchronized (c) {
            if (c.closed) {
                throw ended(caller);
            }
            Injection injection = injector.acquire(caller, name(), binding);
            try {
                Upstream upstream = c.upstream;
                if (config instanceof UpstreamConfig.Http h && http != null) {
                    c.header = binding.renderValue(injection.credential());
                    if (upstream == null) {
                        upstream = new StreamableHttpUpstream(
                                h,
                                http,
                                false,
                                timeout,
                                version,
                                json,
                                listChanged,
                                toolsListed,
                                Objects.requireNonNull(binding.header(), "header"),
                                () -> c.header,
                                outside.apply(caller.mandateId()));
                    }
                } else if (upstream == null || !injection.leaseId().equals(c.leaseId)) {
                    if (upstream != null) {
                        upstream.close(); // the old lease is gone or going: its process must not outlive it
                    }
                    upstream = new SdkUpstream(
                            config,
                            timeout,
                            version,
                            json,
                            listChanged,
                            toolsListed,
                            binding.renderEnv(injection.credential()),
                            null,
                            config instanceof UpstreamConfig.Stdio s && s.clientRequests(),
                            outside.apply(caller.mandateId()));
                }
                c.upstream = upstream;
                c.leaseId = injection.leaseId();
                return upstream;
            } catch (MandateException e) {
                if (e instanceof GatewayException g) {
                    throw g;
                }
                throw new GatewayException(
                        GatewayError.UPSTREAM_UNAVAILABLE,
                        "upstream '" + name() + "': " + e.getMessage() + "; the upstream was not called",
                        null,
                        e);
            }
        }
    }

    /** The caller's connection as it is, or null if it has none yet. */
    @Override
    @Nullable
    Upstream existingForCaller() {
        return existing();
    }

    private @Nullable Upstream existing() {
        CallerContext caller = caller();
        Connection c = connections.get(caller.mandateId());
        if (c == null) {
            return null;
        }
        synchronized (c) {
            return c.closed ? null : c.upstream;
        }
    }

    private Connection connection(CallerContext caller) {
        Connection c = connections.get(caller.mandateId());
        if (c != null) {
            return c;
        }
        int limit = http() ? MAX_HTTP_CONNECTIONS : binding.maxProcesses();
        if (connections.size() >= limit) {
            throw new GatewayException(
                    GatewayError.OVERLOADED,
                    http()
                            ? "upstream '" + name() + "' already has " + limit + " connections, one per mandate"
                                    + " (MandateUpstreams.MAX_HTTP_CONNECTIONS); try again when a mandate ends"
                            : "upstream '" + name() + "' already runs " + limit + " processes, one per mandate (the"
                                    + " limit upstreams." + name() + ".credential.max-processes); try again when a"
                                    + " mandate ends");
        }
        return connections.computeIfAbsent(caller.mandateId(), k -> new Connection());
    }

    private CallerContext caller() {
        CallerContext caller = CallerScope.current();
        if (caller == null) {
            throw new GatewayException(
                    GatewayError.UPSTREAM_UNAVAILABLE,
                    "upstream '" + name() + "' is reached only within a mandate's request: its credential is per"
                            + " mandate");
        }
        return caller;
    }

    private GatewayException ended(CallerContext caller) {
        return new GatewayException(
                GatewayError.UPSTREAM_UNAVAILABLE,
                "mandate " + caller.mandateId() + " has ended; upstream '" + name() + "' is closed to it");
    }

    /** Closes the mandate's connection (stopping its process); its lease is revoked by the lease manager. */
    void mandateEnded(String mandateId) {
        Connection c = connections.remove(mandateId);
        if (c == null) {
            return;
        }
        synchronized (c) {
            c.closed = true;
            Upstream upstream = c.upstream;
            c.upstream = null;
            if (upstream != null) {
                upstream.close();
            }
        }
    }

    /** How many per-mandate connections are open, for tests. */
    int connectionCount() {
        return connections.size();
    }

    @Override
    public JsonNode capabilities() {
        Upstream upstream = existing();
        return (upstream != null ? upstream : forCaller()).capabilities();
    }

    @Override
    public List<JsonNode> tools() {
        return forCaller().tools();
    }

    @Override
    public @Nullable JsonNode tool(String name) {
        Upstream upstream = existing();
        JsonNode cached = upstream == null ? null : upstream.cachedTool(name);
        return cached != null ? cached : forCaller().tool(name);
    }

    @Override
    public @Nullable JsonNode cachedTool(String name) {
        Upstream upstream = existing();
        return upstream == null ? null : upstream.cachedTool(name);
    }

    @Override
    public void close() {
        for (String mandateId : new ArrayList<>(connections.keySet())) {
            mandateEnded(mandateId);
        }
        if (http != null) {
            StreamableHttpUpstream.stop(http);
        }
    }
}
