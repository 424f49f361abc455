package dev.mandate.cedar.schema;

import java.util.ArrayList;
import java.util.List;

/** Splits Cedar schema text into tokens, unescaping string literals as Cedar does. */
final class CedarSchemaLexer {
    enum Kind {
        IDENT,
        STRING,
        PUNCT,
        EOF
    }

    /** A token; {@code text} is the identifier, the unescaped string, or the punctuation. */
    record Token(Kind kind, String text, int line, int column) {
        boolean is(String punct) {
            return kind == Kind.PUNCT && text.equals(punct);
        }

        boolean isIdent(String word) {
            return kind == Kind.IDENT && text.equals(word);
        }

        String describe() {
            return switch (kind) {
                case EOF -> "end of input";
                case STRING -> "string " + CedarSchemaPrinter.quote(text);
                case IDENT, PUNCT -> "`" + text + "`";
            };
        }
    }

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    private CedarSchemaLexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        return new CedarSchemaLexer(src).run();
    }

    private List<Token> run() {
        List<Token> tokens = new ArrayList<>();
        while (true) {
            skipSpaceAndComments();
            int col = pos - lineStart + 1;
            if (pos >= src.length()) {
                tokens.add(new Token(Kind.EOF, "", line, col));
                return tokens;
            }
            char c = src.charAt(pos);
            if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                int start = pos;
                while (pos < src.length() && isIdentPart(src.charAt(pos))) {
                    pos++;
                }
                tokens.add(new Token(Kind.IDENT, src.substring(start, pos), line, col));
            } else if (c == '"') {
                int startLine = line;
                tokens.add(new Token(Kind.STRING, readString(), startLine, col));
            } else if (c == ':' && pos + 1 < src.length() && src.charAt(pos + 1) == ':') {
                pos += 2;
                tokens.add(new Token(Kind.PUNCT, "::", line, col));
            } else if ("{}[]<>(),;:=?@".indexOf(c) >= 0) {
                pos++;
                tokens.add(new Token(Kind.PUNCT, String.valueOf(c), line, col));
            } else {
                throw new SchemaParseException(
                        line,
                        col,
                        "invalid character " + describeChar(c)
                                + "; only identifiers, strings, `//` comments and { } [ ] < > ( ) , ; : :: = ? @ are allowed");
            }
        }
    }

    private static boolean isIdentPart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static String describeChar(char c) {
        return c >= 0x20 && c < 0x7f ? "`" + c + "`" : String.format("U+%04X", (int) c);
    }

    private void skipSpaceAndComments() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '/' && pos + 1 < src.length() && src.charAt(pos + 1) == '/') {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    /** Reads a string literal starting at the opening quote; escapes as in Cedar policies (no {@code \*}). */
    private String readString() {
        int startLine = line;
        int startCol = pos - lineStart + 1;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length()) {
                throw new SchemaParseException(startLine, startCol, "string literal is not closed with `\"`");
            }
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            int escCol = pos - lineStart + 1;
            if (pos + 1 >= src.length()) {
                throw new SchemaParseException(line, escCol, "string literal ends inside an escape");
            }
            char e = src.charAt(pos + 1);
            pos += 2;
            switch (e) {
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case '0' -> sb.append('\0');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                case '\'' -> sb.append('\'');
                case 'u' -> sb.appendCodePoint(readUnicodeEscape(escCol));
                case 'x' -> sb.append(readAsciiEscape(escCol));
                default ->
                    throw new SchemaParseException(
                            line,
                            escCol,
                            "invalid escape `\\" + e
                                    + "` in string literal; allowed: \\n \\r \\t \\0 \\\\ \\\" \\' \\x41 \\u{hex}");
            }
        }
    }

    /** {@code \\xHH}: exactly two hex digits naming an ASCII character, as in Rust string literals. */
    private char readAsciiEscape(int escCol) {
        int value = pos + 2 <= src.length() ? hex(src.charAt(pos)) * 16 + hex(src.charAt(pos + 1)) : -1;
        if (value < 0 || value > 0x7f || hex(src.charAt(pos)) < 0 || hex(src.charAt(pos + 1)) < 0) {
            throw new SchemaParseException(line, escCol, "invalid escape; expected \\x and two hex digits up to 7f");
        }
        pos += 2;
        return (char) value;
    }

    /** {@code \\u{...}}: 1 to 6 hex digits (underscores allowed after the first), a Unicode scalar value. */
    private int readUnicodeEscape(int escCol) {
        int close = src.indexOf('}', pos);
        if (pos >= src.length() || src.charAt(pos) != '{' || close < 0) {
            throw new SchemaParseException(line, escCol, "invalid unicode escape; expected \\u{1 to 6 hex digits}");
        }
        int cp = 0;
        int digits = 0;
        for (int i = pos + 1; i < close; i++) {
            char c = src.charAt(i);
            if (c == '_' && i > pos + 1) {
                continue;
            }
            if (hex(c) < 0 || ++digits > 6) {
                throw new SchemaParseException(line, escCol, "invalid unicode escape; expected \\u{1 to 6 hex digits}");
            }
            cp = cp * 16 + hex(c);
        }
        if (digits == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw new SchemaParseException(
                    line,
                    escCol,
                    "invalid unicode escape \\u{" + src.substring(pos + 1, close) + "}: not a Unicode scalar value");
        }
        pos = close + 1;
        return cp;
    }

    private static int hex(char c) {
        return c < 128 ? Character.digit(c, 16) : -1;
    }
}
