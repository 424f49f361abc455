package dev.mandate.cedar;

/** Policy text that is not valid Cedar, with the 1-based line and column where the problem starts. */
public final class CedarParseException extends CedarException {
    private static final long serialVersionUID = 1L;

    private final int line;
    private final int column;
    private final String detail;

    /**
     * Creates the exception.
     *
     * @param detail what is wrong, for a policy author
     * @param line 1-based line
     * @param column 1-based column
     */
    public CedarParseException(String detail, int line, int column) {
        super(line + ":" + column + ": " + detail);
        this.line = line;
        this.column = column;
        this.detail = detail;
    }

    /**
     * Returns the line of the error.
     *
     * @return the 1-based line
     */
    public int line() {
        return line;
    }

    /**
     * Returns the column of the error.
     *
     * @return the 1-based column, counted in UTF-16 units
     */
    public int column() {
        return column;
    }

    /**
     * Returns the message without the position.
     *
     * @return the problem, for a policy author
     */
    public String detail() {
        return detail;
    }
}
