package dev.mandate.core.policy;

import dev.mandate.cedar.schema.SchemaType.RecordType;
import dev.mandate.core.catalog.CatalogEntry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One upstream tool, resource or prompt as the schema generator sees it.
 *
 * @param method the MCP method that reaches it: {@code tools/call}, {@code resources/read} or {@code prompts/get}
 * @param action its action id ({@code <server>.<tool>}, {@code <server>.<prompt>} or the resource URI)
 * @param server the upstream server
 * @param entry its catalog entry (configured, hint-seeded or most restrictive)
 * @param input the type of its arguments from the tool's {@code inputSchema}, or null when unknown (then
 *     {@code context.input} is declared empty, and policies must test attributes with {@code has})
 */
public record ToolSignature(
        String method,
        String action,
        String server,
        CatalogEntry entry,
        @Nullable RecordType input) {
    /** Checks the parts. */
    public ToolSignature {
        CedarMapping.methodGroup(method);
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(entry, "entry");
    }
}
