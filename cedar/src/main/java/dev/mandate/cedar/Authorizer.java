package dev.mandate.cedar;

/**
 * Decides requests with Cedar semantics: a forbid that applies denies, otherwise a permit that applies
 * allows, otherwise deny. A policy whose evaluation fails is skipped and reported in the response.
 */
public final class Authorizer {
    private Authorizer() {}

    /**
     * Decides one request. Thread-safe; allocates little and never touches JSON.
     *
     * @param policies the policy set
     * @param request the request
     * @param entities the entity store
     * @return the decision with the determining and the erroring policies
     */
    public static Response authorize(PolicySet policies, Request request, Entities entities) {
        return policies.engine().authorize(request, entities);
    }
}
