package dev.mandate.cedar.extension;

import com.cedarpolicy.BasicAuthorizationEngine;
import com.cedarpolicy.model.AuthorizationRequest;
import com.cedarpolicy.model.AuthorizationSuccessResponse;
import com.cedarpolicy.model.policy.Policy;
import com.cedarpolicy.model.policy.PolicySet;
import com.cedarpolicy.value.EntityTypeName;
import com.cedarpolicy.value.EntityUID;
import com.cedarpolicy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The reference Cedar implementation (cedar-java over the Rust core) used as a test oracle: evaluates boolean
 * Cedar expressions, many per call, each as the condition of its own policy.
 */
final class CedarReference {
    /** What the reference made of one condition. */
    enum Outcome {
        TRUE,
        FALSE,
        ERROR
    }

    private static final int BATCH = 400;

    private CedarReference() {}

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static List<Outcome> evaluate(List<String> conditions) {
        List<Outcome> out = new ArrayList<>();
        for (int from = 0; from < conditions.size(); from += BATCH) {
            out.addAll(batch(conditions.subList(from, Math.min(conditions.size(), from + BATCH))));
        }
        return out;
    }

    private static List<Outcome> batch(List<String> conditions) {
        try {
            Set<Policy> policies = new HashSet<>();
            for (int i = 0; i < conditions.size(); i++) {
                policies.add(
                        new Policy("permit(principal, action, resource) when { " + conditions.get(i) + " };", "p" + i));
            }
            EntityTypeName user = EntityTypeName.parse("User").orElseThrow();
            EntityTypeName action = EntityTypeName.parse("Action").orElseThrow();
            AuthorizationRequest request = new AuthorizationRequest(
                    new EntityUID(user, "alice"),
                    new EntityUID(action, "view"),
                    new EntityUID(user, "bob"),
                    new HashMap<String, Value>());
            AuthorizationSuccessResponse response = new BasicAuthorizationEngine()
                    .isAuthorized(request, new PolicySet(policies), new HashSet<>())
                    .success
                    .orElseThrow();
            Set<String> errored = new HashSet<>();
            for (AuthorizationSuccessResponse.AuthorizationError e : response.getErrors()) {
                errored.add(e.getPolicyId());
            }
            Set<String> satisfied = response.getReason();
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < conditions.size(); i++) {
                String id = "p" + i;
                out.add(errored.contains(id) ? Outcome.ERROR : satisfied.contains(id) ? Outcome.TRUE : Outcome.FALSE);
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException("the reference Cedar implementation failed", e);
        }
    }
}
