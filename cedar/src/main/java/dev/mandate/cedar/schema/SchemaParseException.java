package dev.mandate.cedar.schema;

/**
 * A schema could not be read: a syntax error, a name that resolves to nothing, a duplicate or shadowing
 * declaration, a cycle, or an input beyond a limit. The message names the offending token or name and the
 * rule; for the Cedar syntax it starts with {@code line:column}, for JSON with the path of the bad member.
 */
public final class SchemaParseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;

    SchemaParseException(int line, int column, String message) {
        super((line > 0 ? line + ":" + column + ": " : "") + message);
        this.line = line;
        this.column = column;
    }

    /**
     * Returns the 1-based line of the error in Cedar schema text, or 0 when there is none (JSON, limits).
     *
     * @return the line, or 0
     */
    public int line() {
        return line;
    }

    /**
     * Returns the 1-based column of the error in Cedar schema text, or 0 when there is none.
     *
     * @return the column, or 0
     */
    public int column() {
        return column;
    }
}
