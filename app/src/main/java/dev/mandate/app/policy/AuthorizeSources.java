package dev.mandate.app.policy;

import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.mandate.LiveCheck;
import dev.mandate.core.policy.MandateLookup;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What {@code POST /v1/authorize} looks up on this node, so that an outside enforcement point is decided like the
 * gateway decides its own calls.
 *
 * @param mandates the facts of a mandate and its agent by id
 * @param live whether a mandate and every ancestor are live right now
 * @param flow the flow labels a mandate has accumulated (the gateway's, in memory, else the stored ones)
 * @param catalog the gateway's catalog
 * @param inputTypes the input type of a tool by its action id ({@code <server>.<tool>}), from its upstream's
 *     {@code inputSchema}, or null when unknown
 */
public record AuthorizeSources(
        MandateLookup mandates,
        Function<String, LiveCheck> live,
        Function<String, FlowLabels> flow,
        Supplier<Catalog> catalog,
        Function<String, @Nullable RecordType> inputTypes) {
    /** Checks that every source is present. */
    public AuthorizeSources {
        Objects.requireNonNull(mandates, "mandates");
        Objects.requireNonNull(live, "live");
        Objects.requireNonNull(flow, "flow");
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(inputTypes, "inputTypes");
    }

    /**
     * Sources that know no mandate and no tool: requests must give the facts inline, every tool is unconfigured.
     *
     * @param services the decision services (their mandate lookup and catalog)
     * @return the sources
     */
    public static AuthorizeSources of(PolicyServices services) {
        return new AuthorizeSources(
                services.mandates(), id -> LiveCheck.UNKNOWN, id -> FlowLabels.NONE, services::catalog, action -> null);
    }
}
