package dev.mandate.core.identity;

import dev.mandate.core.mandate.Tier;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What an admin gives to register an agent.
 *
 * @param name the agent's name
 * @param owner the person or team answerable for it
 * @param tier its autonomy tier
 * @param purposes the purposes it may ask mandates for
 * @param labelsCeiling the flow-label ceiling, or null for none
 * @param id the SPIFFE ID it authenticates as, or null for {@code spiffe://<embedded trust domain>/agent/<name>};
 *     set it for an agent of another trust domain
 */
public record AgentRegistration(
        String name,
        String owner,
        Tier tier,
        Set<String> purposes,
        @Nullable Set<String> labelsCeiling,
        @Nullable SpiffeId id) {}
