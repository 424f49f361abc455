package dev.mandate.core.policy;

import dev.mandate.cedar.schema.Schema;
import java.util.Objects;
import java.util.Set;

/**
 * The schema a {@link PolicyStore} validates its policies against, and the upstreams whose tool lists have not arrived
 * yet. An upstream connects after the node starts (or comes back later), so until its {@code tools/list} is known the
 * schema cannot declare its tools: a policy naming {@code Action::"<server>.<tool>"} of such a pending server is not
 * refused for that action alone; it is checked when the list arrives and the schema is regenerated.
 *
 * @param schema the generated schema ({@link SchemaGenerator#generate})
 * @param pendingServers configured upstreams whose tool lists are not known yet
 */
public record PolicySchema(Schema schema, Set<String> pendingServers) {
    /** Copies the set. */
    public PolicySchema {
        Objects.requireNonNull(schema, "schema");
        pendingServers = Set.copyOf(pendingServers);
    }
}
