package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.UpstreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A stdio upstream whose requests to the client (sampling, elicitation, roots) are relayed to agents
 * ({@code client-requests: true}) and that needs no credential: one process per mandate, so that a request the server
 * sends is tied to one mandate — stdio has no per-call stream that would tie it to a call. The cost is a process per
 * live mandate that uses the upstream (at most {@link UpstreamConfig.Stdio#MAX_CLIENT_REQUEST_PROCESSES}; past it a
 * new mandate gets {@code -32008}); a mandate's process stops when the mandate ends. (A stdio upstream with a
 * credential already runs per mandate, in {@link MandateUpstreams}.)
 */
final class MandateProcesses extends PerMandateUpstream {
    private final UpstreamConfig.Stdio config;
    private final Duration timeout;
    private final String version;
    private final ObjectMapper json;
    private final Consumer<String> listChanged;
    private final BiConsumer<String, List<JsonNode>> toolsListed;
    /** Where each mandate's connection sends the requests to the client that belong to no call, by mandate id. */
    private final Function<String, OutsideCalls> outside;

    private final Map<String, SdkUpstream> processes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    MandateProcesses(
            UpstreamConfig.Stdio config,
            Duration timeout,
            String version,
            ObjectMapper json,
            Consumer<String> listChanged,
            BiConsumer<String, List<JsonNode>> toolsListed,
            Function<String, OutsideCalls> outside) {
        this.outside = outside;
        this.config = config;
        this.timeout = timeout;
        this.version = version;
        this.json = json;
        this.listChanged = listChanged;
        this.toolsListed = toolsListed;
    }

    @Override
    public String name() {
        return config.name();
    }

    /** The caller's process, started on first use. */
    @Override
    Upstream forCaller() {
        CallerContext caller = CallerScope.current();
        if (caller == null) {
            throw new GatewayException(
                    GatewayError.UPSTREAM_UNAVAILABLE,
                    "upstream '" + name() + "' is reached only within a mandate's request: it runs per mandate");
        }
        SdkUpstream existing = processes.get(caller.mandateId());
        if (existing != null) {
            return existing;
        }
        synchronized (this) {
            if (closed) {
                throw new GatewayException(GatewayError.UPSTREAM_UNAVAILABLE, "upstream '" + name() + "' is closed");
            }
            existing = processes.get(caller.mandateId());
            if (existing != null) {
                return existing;
            }
            if (processes.size() >= UpstreamConfig.Stdio.MAX_CLIENT_REQUEST_PROCESSES) {
                throw new GatewayException(
                        GatewayError.OVERLOADED,
                        "upstream '" + name() + "' already runs " + UpstreamConfig.Stdio.MAX_CLIENT_REQUEST_PROCESSES
                                + " processes, one per mandate (UpstreamConfig.Stdio.MAX_CLIENT_REQUEST_PROCESSES, as"
                                + " it relays client requests); try again when a mandate ends");
            }
            SdkUpstream created = new SdkUpstream(
                    config,
                    timeout,
                    version,
                    json,
                    listChanged,
                    toolsListed,
                    Map.of(),
                    null,
                    true,
                    outside.apply(caller.mandateId()));
            processes.put(caller.mandateId(), created);
            return created;
        }
    }

    @Override
    @Nullable
    Upstream existingForCaller() {
        CallerContext caller = CallerScope.current();
        return caller == null ? null : processes.get(caller.mandateId());
    }

    /** Stops the ended mandate's process. */
    void mandateEnded(String mandateId) {
        SdkUpstream process = processes.remove(mandateId);
        if (process != null) {
            process.close();
        }
    }

    /** How many processes run, for tests. */
    int processCount() {
        return processes.size();
    }

    @Override
    public JsonNode capabilities() {
        return forCaller().capabilities();
    }

    @Override
    public List<JsonNode> tools() {
        return forCaller().tools();
    }

    @Override
    public @Nullable JsonNode tool(String name) {
        return forCaller().tool(name);
    }

    @Override
    public @Nullable JsonNode cachedTool(String name) {
        CallerContext caller = CallerScope.current();
        SdkUpstream process = caller == null ? null : processes.get(caller.mandateId());
        return process == null ? null : process.cachedTool(name);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        for (String mandateId : new ArrayList<>(processes.keySet())) {
            mandateEnded(mandateId);
        }
    }
}
