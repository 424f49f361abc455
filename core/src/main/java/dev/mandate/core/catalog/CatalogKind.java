package dev.mandate.core.catalog;

/** What kind of upstream capability a catalog entry describes. */
public enum CatalogKind {
    /** An MCP tool, called with {@code tools/call}. */
    TOOL,
    /** An MCP resource, read with {@code resources/read}; its name is the URI. */
    RESOURCE,
    /** An MCP prompt, fetched with {@code prompts/get}. */
    PROMPT
}
