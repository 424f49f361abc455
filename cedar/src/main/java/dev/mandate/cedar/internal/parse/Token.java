package dev.mandate.cedar.internal.parse;

/**
 * A lexical token.
 *
 * @param kind the kind
 * @param text the identifier, digits, raw string body (without quotes, escapes not processed) or punctuation
 * @param line 1-based line
 * @param column 1-based column
 */
record Token(Kind kind, String text, int line, int column) {
    enum Kind {
        IDENT,
        INT,
        STRING,
        PUNCT,
        EOF
    }

    boolean is(String punct) {
        return kind == Kind.PUNCT && text.equals(punct);
    }

    boolean isIdent(String name) {
        return kind == Kind.IDENT && text.equals(name);
    }

    String describe() {
        return switch (kind) {
            case EOF -> "end of input";
            case STRING -> "string \"" + text + "\"";
            case INT -> "number " + text;
            case IDENT -> "`" + text + "`";
            case PUNCT -> "`" + text + "`";
        };
    }
}
