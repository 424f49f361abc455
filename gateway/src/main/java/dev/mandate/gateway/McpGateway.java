package dev.mandate.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.flow.LabelledStore;
import dev.mandate.core.mandate.MandateEndListener;
import dev.mandate.gateway.credential.LeaseInjector;
import dev.mandate.gateway.relay.Relay;
import dev.mandate.gateway.transport.McpEndpoint;
import io.javalin.config.RoutesConfig;
import java.time.InstantSource;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The MCP gateway, assembled: the Streamable HTTP endpoint at {@code /mcp} for agents, the upstream connections, and
 * the enforcement pipeline between them. Build it with {@link #builder()}, mount it with {@link #register}, and close
 * it before the HTTP server stops so that open GET streams end.
 */
public final class McpGateway implements AutoCloseable, MandateEndListener {
    private final McpEndpoint endpoint;
    private final Relay relay;

    private McpGateway(McpEndpoint endpoint, Relay relay) {
        this.endpoint = endpoint;
        this.relay = relay;
    }

    /**
     * Starts a builder with the fail-closed defaults: no upstreams, nobody authenticated, everything denied, an audit
     * sink that refuses every record.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds {@code POST|GET|DELETE /mcp} and the RFC 9728 metadata routes.
     *
     * @param routes the server's route table
     */
    public void register(RoutesConfig routes) {
        endpoint.register(routes);
    }

    /**
     * Returns the number of live agent sessions.
     *
     * @return the count
     */
    public int sessionCount() {
        return endpoint.sessionCount();
    }

    /**
     * Closes the ended mandate's per-mandate upstream connections (stopping their processes). Its leases are revoked
     * by the lease manager, which listens too.
     */
    @Override
    public void mandateEnded(String mandateId, String reason) {
        relay.mandateEnded(mandateId);
    }

    /** Ends all sessions and their streams, and disconnects the upstreams (stopping stdio servers). */
    @Override
    public void close() {
        try {
            endpoint.close();
        } finally {
            relay.close();
        }
    }

    /** Assembles a gateway. Every part has a fail-closed default. */
    public static final class Builder {
        private GatewaySettings settings = GatewaySettings.defaults("dev");
        private GatewayConfig config = GatewayConfig.EMPTY;
        private CallAuthenticator authenticator = CallAuthenticator.REFUSE_ALL;
        private CallDecider decider = CallDecider.DENY_ALL;
        private AuditSink audit = entry -> {
            throw new dev.mandate.core.MandateException(
                    dev.mandate.core.ErrorCode.UNAVAILABLE, "no audit sink is configured for the MCP gateway");
        };
        private LabelledStore stores = new LabelledStore(LabelledStore.DEFAULT_MAX_KEYS_PER_STORE);
        private InstantSource clock = InstantSource.system();
        private @Nullable ObjectMapper json;
        private dev.mandate.gateway.policy.@Nullable UpstreamTools tools;
        private @Nullable LeaseInjector credentials;

        private boolean certificateBoundTokens;

        private Builder() {}

        /**
         * Sets where the upstreams' tool lists are reported (for the Cedar schema and typed inputs); with it the gateway
         * lists every upstream's tools once at start, on a background thread, so an unreachable one does not stop
         * start-up.
         *
         * @param tools the index
         * @return this builder
         */
        public Builder tools(dev.mandate.gateway.policy.UpstreamTools tools) {
            this.tools = Objects.requireNonNull(tools);
            return this;
        }

        /**
         * Sets where the credentials of upstreams that name a credential come from. Without it, a configured upstream
         * credential stops {@link #build()}.
         *
         * @param credentials the injector
         * @return this builder
         */
        public Builder credentials(LeaseInjector credentials) {
            this.credentials = Objects.requireNonNull(credentials);
            return this;
        }

        /**
         * Says whether the node listens for mutual TLS, where the gateway accepts certificate-bound tokens (RFC 8705)
         * with their client certificate; its protected-resource metadata (RFC 9728) then advertises them. Off by
         * default.
         *
         * @param on whether certificate-bound tokens are accepted
         * @return this builder
         */
        public Builder certificateBoundTokens(boolean on) {
            this.certificateBoundTokens = on;
            return this;
        }

        /**
         * Sets the limits and transport options.
         *
         * @param settings the settings
         * @return this builder
         */
        public Builder settings(GatewaySettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /**
         * Sets the upstreams and catalog.
         *
         * @param config the configuration
         * @return this builder
         */
        public Builder config(GatewayConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /**
         * Sets how callers are authenticated.
         *
         * @param authenticator the authenticator
         * @return this builder
         */
        public Builder authenticator(CallAuthenticator authenticator) {
            this.authenticator = Objects.requireNonNull(authenticator);
            return this;
        }

        /**
         * Sets how calls are decided.
         *
         * @param decider the decider
         * @return this builder
         */
        public Builder decider(CallDecider decider) {
            this.decider = Objects.requireNonNull(decider);
            return this;
        }

        /**
         * Sets where calls are recorded.
         *
         * @param audit the audit sink
         * @return this builder
         */
        public Builder audit(AuditSink audit) {
            this.audit = Objects.requireNonNull(audit);
            return this;
        }

        /**
         * Sets the memory of labels written into stores (shared with anything else that reads stores).
         *
         * @param stores the store memory
         * @return this builder
         */
        public Builder stores(LabelledStore stores) {
            this.stores = Objects.requireNonNull(stores);
            return this;
        }

        /**
         * Sets the clock (session expiry, decision times).
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Sets the JSON mapper.
         *
         * @param json the mapper
         * @return this builder
         */
        public Builder json(ObjectMapper json) {
            this.json = Objects.requireNonNull(json);
            return this;
        }

        /**
         * Builds the gateway. Upstreams are connected on first use, so an unreachable one does not stop start-up.
         *
         * @return the gateway
         * @throws dev.mandate.core.MandateException with {@code BAD_CONFIG} naming {@code upstreams.<name>.credential}
         *     if it names an unknown backend or scope, or no injector is set
         */
        public McpGateway build() {
            ObjectMapper json = this.json != null ? this.json : new ObjectMapper();
            LeaseInjector credentials = this.credentials;
            if (credentials != null) {
                credentials.validate(config);
            }
            McpEndpoint[] endpoint = new McpEndpoint[1];
            dev.mandate.gateway.policy.UpstreamTools index = tools;
            Relay relay = Relay.Factory.create(
                    settings,
                    config,
                    decider,
                    audit,
                    stores,
                    clock,
                    json,
                    method -> {
                        McpEndpoint e = endpoint[0];
                        if (e != null) {
                            e.broadcast(method);
                        }
                    },
                    index == null ? (server, list) -> {} : index::listed,
                    credentials,
                    (mandateId, capability) -> {
                        McpEndpoint e = endpoint[0];
                        return e == null ? null : e.listener(mandateId, capability);
                    });
            endpoint[0] = new McpEndpoint(settings, authenticator, relay, json, clock, certificateBoundTokens);
            if (index != null && !config.upstreams().isEmpty()) {
                Thread prefetch = new Thread(relay::prefetchTools, "mandate-tool-lists");
                prefetch.setDaemon(true);
                prefetch.start();
            }
            return new McpGateway(endpoint[0], relay);
        }
    }
}
