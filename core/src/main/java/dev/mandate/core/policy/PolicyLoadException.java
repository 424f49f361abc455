package dev.mandate.core.policy;

import dev.mandate.core.ErrorCode;
import dev.mandate.core.MandateException;

/** A policy directory that cannot be loaded; the message starts with {@code <file>:<line>:<column>:} when known. */
public final class PolicyLoadException extends MandateException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final int line;
    private final int column;

    /**
     * Creates the exception.
     *
     * @param file the file name (or the directory, when no single file is at fault)
     * @param line the 1-based line, or 0 when unknown
     * @param column the 1-based column, or 0 when unknown
     * @param detail what is wrong
     */
    public PolicyLoadException(String file, int line, int column, String detail) {
        super(ErrorCode.BAD_CONFIG, file + ":" + line + ":" + column + ": " + detail);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /**
     * Returns the file at fault.
     *
     * @return the file name
     */
    public String file() {
        return file;
    }

    /**
     * Returns the line.
     *
     * @return the 1-based line, or 0
     */
    public int line() {
        return line;
    }

    /**
     * Returns the column.
     *
     * @return the 1-based column, or 0
     */
    public int column() {
        return column;
    }
}
