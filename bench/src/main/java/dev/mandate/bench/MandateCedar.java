package dev.mandate.bench;

import dev.mandate.cedar.Authorizer;
import dev.mandate.cedar.BoolValue;
import dev.mandate.cedar.CedarJson;
import dev.mandate.cedar.Entities;
import dev.mandate.cedar.EntityUid;
import dev.mandate.cedar.LongValue;
import dev.mandate.cedar.PolicySet;
import dev.mandate.cedar.RecordValue;
import dev.mandate.cedar.Request;
import dev.mandate.cedar.SetValue;
import dev.mandate.cedar.StringValue;
import dev.mandate.cedar.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mandate's own Cedar engine fed one {@link AgentDeploymentWorkload}, with requests built once up front, exactly as
 * {@link ReferenceCedar} does for the reference engine.
 */
final class MandateCedar {
    private final PolicySet policies;
    private final Entities entities;
    private final List<Request> requests;

    MandateCedar(AgentDeploymentWorkload workload) {
        policies = PolicySet.parse(workload.policies);
        entities = CedarJson.entities(workload.entitiesJson);
        requests = new ArrayList<>();
        for (AgentDeploymentWorkload.Call call : workload.calls) {
            requests.add(new Request(
                    EntityUid.of("Agent", call.agent()),
                    EntityUid.of("Action", call.action()),
                    EntityUid.of("Server", call.server()),
                    record(call.context())));
        }
    }

    /**
     * Decides request {@code i} of the workload.
     *
     * @param i the request's index
     * @return true if allowed
     */
    boolean isAllowed(int i) {
        return Authorizer.authorize(policies, requests.get(i), entities).allowed();
    }

    /**
     * Returns the compiled policy set, for measuring its retained size.
     *
     * @return the policy set
     */
    PolicySet policies() {
        return policies;
    }

    private static RecordValue record(Map<String, Object> map) {
        Map<String, Value> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(k, value(v)));
        return new RecordValue(out);
    }

    @SuppressWarnings("unchecked")
    private static Value value(Object v) {
        return switch (v) {
            case String s -> new StringValue(s);
            case Long l -> new LongValue(l);
            case Boolean b -> BoolValue.of(b);
            case List<?> list ->
                SetValue.of(list.stream().map(MandateCedar::value).toList());
            case Map<?, ?> m -> record((Map<String, Object>) m);
            default -> throw new IllegalArgumentException("no Cedar value for " + v.getClass());
        };
    }
}
