package dev.mandate.core.catalog;

import org.jspecify.annotations.Nullable;

/**
 * The behaviour hints an MCP server attaches to a tool ({@code annotations} in {@code tools/list}). They come from the
 * server and may lie, so the catalog uses them only for upstreams the configuration marks as trusted. A null hint was
 * not given.
 *
 * @param readOnlyHint the tool does not change its environment
 * @param destructiveHint the tool may destroy or overwrite (the MCP default is true when not read-only)
 * @param openWorldHint the tool reaches an open world of external entities (the MCP default is true)
 */
public record ToolHints(
        @Nullable Boolean readOnlyHint,
        @Nullable Boolean destructiveHint,
        @Nullable Boolean openWorldHint) {
    /** No hints at all. */
    public static final ToolHints NONE = new ToolHints(null, null, null);
}
