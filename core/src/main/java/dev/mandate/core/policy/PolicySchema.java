package dev.mandate.core.policy;

import dev.mandate.cedar.schema.Schema;
import java.util.Objects;
import java.util.Set;

/**
 * The schema a {@link PolicyStore} validates its policies against, and which servers' tools it declares. Only a server
 * whose {@code tools/list} arrived has its tools in the schema: a configured upstream connects after the node starts
 * (or comes back later), and {@code POST /v1/authorize} decides for enforcement points whose tools the gateway does not
 * front. So a policy naming {@code Action::"<server>.<tool>"} of a server that has not listed its tools is not refused
 * for that (its other errors follow from the unknown action, so the whole policy waits); it is checked when the
 * server's list arrives and the schema is regenerated. Naming a tool that a listed server does not have is an error.
 *
 * @param schema the generated schema ({@link SchemaGenerator#generate})
 * @param listedServers the servers whose tools the schema declares
 * @param pendingServers configured upstreams whose tool lists are not known yet (reported, e.g. by {@code mandate
 *     schema})
 */
public record PolicySchema(Schema schema, Set<String> listedServers, Set<String> pendingServers) {
    /** Copies the sets. */
    public PolicySchema {
        Objects.requireNonNull(schema, "schema");
        listedServers = Set.copyOf(listedServers);
        pendingServers = Set.copyOf(pendingServers);
    }
}
