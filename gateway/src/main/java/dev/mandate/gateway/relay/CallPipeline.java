package dev.mandate.gateway.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.mandate.core.audit.AuditEntry;
import dev.mandate.core.audit.AuditSink;
import dev.mandate.core.catalog.Catalog;
import dev.mandate.core.catalog.CatalogEntry;
import dev.mandate.core.catalog.CatalogKey;
import dev.mandate.core.catalog.CatalogKind;
import dev.mandate.core.catalog.StoreBinding;
import dev.mandate.core.flow.FlowLabels;
import dev.mandate.core.flow.LabelledStore;
import dev.mandate.core.flow.Sensitivity;
import dev.mandate.gateway.CallDecider;
import dev.mandate.gateway.CallerContext;
import dev.mandate.gateway.Decision;
import dev.mandate.gateway.DecisionRequest;
import dev.mandate.gateway.GatewayError;
import dev.mandate.gateway.GatewayException;
import dev.mandate.gateway.Obligation;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One decided call: build the decision request, decide (an exception is a deny), hold the call to the clearance of the
 * principal the mandate acts for, forward, withhold the result's items above that clearance, add the result's labels to
 * the mandate's flow and to stores, fulfil obligations, and record the audit event — the answer is released only after
 * the record is durable. The steps are in one method so their order is visible in one place.
 *
 * <p>Clearance: a call whose whole result is labelled above the clearance (its catalog entry's sensitivity) is refused
 * after the decision and before it is forwarded — its result would be withheld whole, so forwarding it could only
 * cause side effects and issue credentials for nothing; the agent gets {@link GatewayError#ABOVE_CLEARANCE} naming the
 * labels and the clearance. Items of a result that name resources labelled above it are removed ({@link ResultItems}),
 * the rest passes. Withheld data adds no flow labels: it never reached the agent.
 */
final class CallPipeline {
    private static final Logger LOG = LoggerFactory.getLogger(CallPipeline.class);
    private static final JsonNode NO_ARGUMENTS = JsonNodeFactory.instance.objectNode();

    /** Computed on first use, so that building a gateway with no traffic stays cheap at start-up. */
    private static final class NoArguments {
        static final String DIGEST = Canonical.digest(NO_ARGUMENTS);
    }

    private final CallDecider decider;
    private final AuditSink audit;
    private final LabelledStore stores;
    private final InstantSource clock;
    private final Catalog catalog;

    /** Decides, relays and records upstreams' requests to the agent made during calls. */
    final ClientRequests clientRequests;

    CallPipeline(CallDecider decider, AuditSink audit, LabelledStore stores, InstantSource clock, Catalog catalog) {
        this.decider = decider;
        this.audit = audit;
        this.stores = stores;
        this.clock = clock;
        this.catalog = catalog;
        this.clientRequests = new ClientRequests(decider, audit, clock);
    }

    /**
     * Whether a list may show the entry: its results are not above the caller's clearance, and the decider's answer to
     * a listing request is not a deny.
     */
    boolean couldBeAllowed(CallerContext caller, String method, String action, CatalogKey key, CatalogEntry entry) {
        if (caller.above(entry.output().sensitivity())) {
            return false;
        }
        DecisionRequest request = new DecisionRequest(
                caller,
                method,
                action,
                key,
                entry,
                entry.actionGroups(),
                caller.flow().current(),
                NO_ARGUMENTS,
                Map.of(),
                NoArguments.DIGEST,
                true,
                clock.instant());
        return !(decide(request) instanceof Decision.Deny);
    }

    JsonNode call(
            CallerContext caller,
            String method,
            String action,
            CatalogKey key,
            CatalogEntry entry,
            JsonNode arguments,
            UnaryOperator<JsonNode> forward) {
        long started = System.nanoTime();
        FlowLabels before = caller.flow().current();
        String digest = Canonical.digest(arguments);
        Map<String, JsonNode> selected = new LinkedHashMap<>();
        for (String field : entry.exposedArguments()) {
            JsonNode value = arguments.get(field);
            if (value != null) {
                selected.put(field, value);
            }
        }
        DecisionRequest request = new DecisionRequest(
                caller,
                method,
                action,
                key,
                entry,
                entry.actionGroups(),
                before,
                arguments,
                selected,
                digest,
                false,
                clock.instant());
        Decision decision = decide(request);
        AuditRecord record = new AuditRecord(caller, method, action, digest, before, decision, started);
        if (key.kind() == CatalogKind.RESOURCE) {
            // A resource's action is its URI, which several upstreams may serve: the event names the one asked.
            record.upstream = key.server();
        }
        List<Obligation> obligations = switch (decision) {
            case Decision.Allow allow -> allow.obligations();
            case Decision.Deny deny -> {
                record.write(before, "not-called", deny.reason());
                throw new GatewayException(
                        deny.kind() == Decision.Deny.Kind.BUDGET_EXCEEDED
                                ? GatewayError.BUDGET_EXCEEDED
                                : GatewayError.DENIED,
                        "denied: " + action + " (decision deny, policies " + deny.policyIds() + "): " + deny.reason(),
                        deny,
                        null);
            }
            case Decision.ApprovalRequired approval -> {
                record.write(before, "not-called", "approval required: " + approval.approvalId());
                throw new GatewayException(
                        GatewayError.APPROVAL_REQUIRED,
                        "approval required: " + action + " (decision approval-required, policies "
                                + approval.policyIds() + "); wait on approval " + approval.approvalId(),
                        approval,
                        null);
            }
        };
        Sensitivity clearance = caller.clearance();
        if (clearance != null && caller.above(entry.output().sensitivity())) {
            String labels = entry.resultLabels().format();
            record.withhold(clearance, entry.resultLabels(), 1, List.of());
            record.write(before, "not-called", "above clearance");
            throw new GatewayException(
                    GatewayError.ABOVE_CLEARANCE,
                    "withheld: " + action + " returns data labelled " + labels + ", above the clearance '"
                            + clearance.wireName() + "' of the principal this mandate acts for; the call was not"
                            + " forwarded",
                    null,
                    null);
        }
        JsonNode result;
        try {
            result = forward.apply(arguments);
        } catch (GatewayException e) {
            record.write(
                    before, e.error() == GatewayError.UPSTREAM_UNAVAILABLE ? "unavailable" : "error", e.getMessage());
            throw e;
        }
        FlowLabels added = entry.resultLabels();
        if (catalog.labelsResourcesOf(key.server())) {
            ResultItems.Outcome items = ResultItems.filter(result, catalog, key.server(), clearance);
            added = added.join(items.passed());
            if (items.withheld() > 0 && clearance != null) {
                record.withhold(clearance, items.withheldLabels(), items.withheld(), items.withheldUris());
            }
        }
        StoreBinding store = entry.store();
        String storeKey = store == null ? null : storeKey(key, store, arguments);
        if (store != null && store.access().reads()) {
            added = added.join(storeKey == null ? stores.readAll(store.store()) : stores.read(store.store(), storeKey));
        }
        FlowLabels after;
        try {
            after = caller.flow().add(added);
        } catch (RuntimeException e) {
            LOG.error(
                    "the flow labels of mandate {} could not be written back; withholding the answer",
                    caller.mandateId(),
                    e);
            record.write(caller.flow().current(), "labels-unavailable", "the flow labels could not be stored");
            throw new GatewayException(
                    GatewayError.LABELS_UNAVAILABLE,
                    "the flow labels this call added could not be stored, so it was not answered",
                    null,
                    e);
        }
        if (store != null && store.access().writes()) {
            // What a call writes comes from the caller's context: everything it had seen before the call.
            stores.write(store.store(), storeKey == null ? "*" : storeKey, before);
        }
        for (Obligation obligation : obligations) {
            switch (obligation) {
                case Obligation.Redact redact -> Redactor.redact(result, redact.path());
            }
        }
        record.write(after, result.path("isError").asBoolean(false) ? "tool-error" : "ok", null);
        return result;
    }

    private static @Nullable String storeKey(CatalogKey key, StoreBinding store, JsonNode arguments) {
        if (key.kind() == CatalogKind.RESOURCE) {
            return key.name();
        }
        String argument = store.keyArgument();
        if (argument == null) {
            return null;
        }
        JsonNode value = arguments.get(argument);
        return value == null || value.isNull() ? null : value.isTextual() ? value.asText() : value.toString();
    }

    private Decision decide(DecisionRequest request) {
        try {
            return decider.decide(request);
        } catch (RuntimeException e) {
            LOG.warn("the decider failed on {} {}; denying", request.method(), request.action(), e);
            return new Decision.Deny(List.of(), "the policy decision failed, so the call is denied");
        }
    }

    /** The audit event of one call, written once its outcome is known. */
    private final class AuditRecord {
        private final CallerContext caller;
        private final String method;
        private final String action;
        private final String digest;
        private final FlowLabels before;
        private final Decision decision;
        private final long started;
        private final Map<String, String> withheld = new LinkedHashMap<>();
        private @Nullable String upstream;

        AuditRecord(
                CallerContext caller,
                String method,
                String action,
                String digest,
                FlowLabels before,
                Decision decision,
                long started) {
            this.caller = caller;
            this.method = method;
            this.action = action;
            this.digest = digest;
            this.before = before;
            this.decision = decision;
            this.started = started;
        }

        /** Adds what was withheld from the agent to the event. */
        void withhold(Sensitivity clearance, FlowLabels labels, int count, List<String> uris) {
            withheld.put("clearance", clearance.wireName());
            withheld.put("withheld", Integer.toString(count));
            withheld.put("withheldLabels", labels.format());
            if (!uris.isEmpty()) {
                withheld.put("withheldUris", truncate(String.join(" ", uris)));
            }
        }

        void write(FlowLabels after, String upstreamStatus, @Nullable String reason) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("method", method);
            details.put("tool", truncate(action));
            if (upstream != null) {
                details.put("upstream", upstream);
            }
            details.put("argumentDigest", digest);
            details.put("labelsBefore", before.format());
            details.put("labelsAfter", after.format());
            details.put("upstreamStatus", upstreamStatus);
            details.put("latencyMicros", Long.toString((System.nanoTime() - started) / 1000));
            details.putAll(withheld);
            switch (decision) {
                case Decision.Allow a -> details.put("decision", "allow");
                case Decision.Deny d -> {
                    details.put("decision", "deny");
                    details.put("policies", String.join(",", d.policyIds()));
                }
                case Decision.ApprovalRequired a -> {
                    details.put("decision", "approval-required");
                    details.put("policies", String.join(",", a.policyIds()));
                    details.put("approvalId", a.approvalId());
                }
            }
            try {
                audit.record(new AuditEntry(
                        "gateway.call",
                        caller.agentId(),
                        caller.mandateId(),
                        reason == null ? null : truncate(reason),
                        details));
            } catch (RuntimeException e) {
                LOG.error(
                        "the audit log refused the record of {} by {}; failing the call", action, caller.agentId(), e);
                throw new GatewayException(
                        GatewayError.AUDIT_UNAVAILABLE,
                        "the call could not be recorded in the audit log, so it was not answered",
                        null,
                        e);
            }
        }

        private static String truncate(String text) {
            return text.length() <= AuditEntry.MAX_FIELD_LENGTH ? text : text.substring(0, AuditEntry.MAX_FIELD_LENGTH);
        }
    }
}
