package dev.mandate.app;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.mandate.app.config.Config;
import dev.mandate.app.config.ConfigLoader;
import dev.mandate.app.config.GatewayOptions;
import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.gateway.CallAuthenticator;
import dev.mandate.gateway.CallDecider;
import dev.mandate.gateway.GatewayConfig;
import dev.mandate.gateway.GatewaySettings;
import dev.mandate.gateway.McpGateway;
import dev.mandate.gateway.credential.LeaseInjector;
import dev.mandate.gateway.policy.UpstreamTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Builds the MCP gateway from the configuration and connects it to the rest of the node: callers authenticate with
 * mandate tokens ({@link GatewayAccess}), calls are decided by the Cedar policies in force, and every call is recorded
 * in the audit log.
 */
final class GatewayWiring {
    private GatewayWiring() {}

    /**
     * Reads the gateway configuration file ({@code gateway.config}), or the empty configuration when none is set.
     *
     * @param config the node's configuration
     * @return the upstreams and catalog
     */
    static GatewayConfig readConfig(Config config) {
        return readConfig(config.gateway().configFile());
    }

    static McpGateway build(
            Config config,
            GatewayConfig gatewayConfig,
            ObjectMapper json,
            String version,
            CallAuthenticator authenticator,
            CallDecider decider,
            AuditSink audit,
            @Nullable UpstreamTools tools,
            @Nullable LeaseInjector credentials) {
        GatewayOptions options = config.gateway();
        GatewaySettings settings = new GatewaySettings(
                options.allowedOrigins(),
                options.maxSessions(),
                options.sessionIdleTimeout(),
                options.maxMessageBytes(),
                options.upstreamTimeout(),
                version);
        McpGateway.Builder builder = McpGateway.builder()
                .settings(settings)
                .config(gatewayConfig)
                .json(json)
                .authenticator(authenticator)
                .decider(decider)
                .audit(audit)
                .certificateBoundTokens(config.tls().listen() != null);
        if (tools != null) {
            builder.tools(tools);
        }
        if (credentials != null) {
            builder.credentials(credentials);
        }
        return builder.build();
    }

    /** Returns the names of the configured credential backends that check out shared accounts. */
    static java.util.Set<String> sharedSecretBackends(Config config) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (dev.mandate.app.config.CredentialsConfig.Backend b :
                config.credentials().backends()) {
            if (b instanceof dev.mandate.app.config.CredentialsConfig.SharedPostgres shared) {
                names.add(shared.name());
            }
        }
        return names;
    }

    private static GatewayConfig readConfig(@Nullable Path file) {
        if (file == null) {
            return GatewayConfig.EMPTY;
        }
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > ConfigLoader.MAX_FILE_BYTES) {
                throw new MandateException(
                        ErrorCode.BAD_CONFIG,
                        "gateway.config: " + file + " is not a readable file of at most " + ConfigLoader.MAX_FILE_BYTES
                                + " bytes");
            }
            JsonNode tree = new YAMLMapper().readTree(file.toFile());
            return GatewayConfig.fromTree(tree, "gateway.config " + file);
        } catch (JacksonException e) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "gateway.config: " + file + " is not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new MandateException(
                    ErrorCode.BAD_CONFIG, "gateway.config: cannot read " + file + ": " + e.getMessage());
        }
    }
}
