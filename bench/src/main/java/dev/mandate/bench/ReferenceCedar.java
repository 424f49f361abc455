package dev.mandate.bench;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationResponse;
import com.cedarpolicy.model.entity.Entities;
import com.cedarpolicy.model.exception.AuthException;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.CedarList;
import com.cedarpolicy.value.CedarMap;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.PrimBool;
import com.cedarpolicy.value.PrimLong;
import com.cedarpolicy.value.PrimString;
import com.cedarpolicy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference Cedar engine (cedar-java, JNI over the Rust implementation) fed one {@link AgentDeploymentWorkload}.
 * Requests are converted to cedar-java's types once, up front, so the benchmark measures only the engine call.
 */
final class ReferenceCedar {
    private final BasicAuthorizationEngine engine = new BasicAuthorizationEngine();
    private final PolicySet policies;
    private final Entities entities;
    private final List<AuthorizationRequest> requests;

    ReferenceCedar(AgentDeploymentWorkload workload, boolean cachePolicies) {
        try {
            policies = PolicySet.parsePolicies(workload.policies);
            if (cachePolicies) {
                policies.cache();
            }
            entities = Entities.parse(workload.entitiesJson);
        } catch (Exception e) {
            throw new IllegalStateException("the reference engine refused the workload", e);
        }
        EntityTypeName agent = EntityTypeName.parse("Agent").orElseThrow();
        EntityTypeName action = EntityTypeName.parse("Action").orElseThrow();
        EntityTypeName server = EntityTypeName.parse("Server").orElseThrow();
        requests = new ArrayList<>();
        for (AgentDeploymentWorkload.Call call : workload.calls) {
            requests.add(new AuthorizationRequest(
                    new EntityUID(agent, call.agent()),
                    new EntityUID(action, call.action()),
                    new EntityUID(server, call.server()),
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
        try {
            AuthorizationResponse response = engine.isAuthorized(requests.get(i), policies, entities);
            return response.success.orElseThrow().isAllowed();
        } catch (AuthException e) {
            throw new IllegalStateException("the reference engine failed", e);
        }
    }

    private static Map<String, Value> record(Map<String, Object> map) {
        Map<String, Value> out = new HashMap<>();
        map.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Value value(Object v) {
        return switch (v) {
            case String s -> new PrimString(s);
            case Long l -> new PrimLong(l);
            case Boolean b -> new PrimBool(b);
            case List<?> list ->
                new CedarList(list.stream().map(ReferenceCedar::value).toList());
            case Map<?, ?> m -> new CedarMap(record((Map<String, Object>) m));
            default -> throw new IllegalArgumentException("no Cedar value for " + v.getClass());
        };
    }
}
