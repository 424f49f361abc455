package dev.mandate.cedar.internal.parse;

import dev.mandate.cedar.CedarParseException;
import java.util.ArrayList;
import java.util.List;

/** Splits policy text into tokens, skipping whitespace and {@code //} comments. */
final class Lexer {
    private static final String[] PUNCT = {
        "::", "==", "!=", "<=", ">=", "&&", "||", "(", ")", "[", "]", "{", "}", ",", ";", ".", ":", "@", "?", "<", ">",
        "!", "+", "-", "*", "/", "%", "="
    };

    private final String src;
    private int pos;
    private int line = 1;
    private int lineStart;

    private Lexer(String src) {
        this.src = src;
    }

    static List<Token> tokenize(String src) {
        Lexer l = new Lexer(src);
        List<Token> out = new ArrayList<>();
        while (true) {
            Token t = l.next();
            out.add(t);
            if (t.kind() == Token.Kind.EOF) {
                return out;
            }
        }
    }

    private Token next() {
        skipTrivia();
        int col = pos - lineStart + 1;
        if (pos >= src.length()) {
            return new Token(Token.Kind.EOF, "", line, col);
        }
        char c = src.charAt(pos);
        if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            int start = pos;
            while (pos < src.length() && isIdentPart(src.charAt(pos))) {
                pos++;
            }
            return new Token(Token.Kind.IDENT, src.substring(start, pos), line, col);
        }
        if (c >= '0' && c <= '9') {
            int start = pos;
            while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
                pos++;
            }
            // Like the reference lexer, digits end where letters begin: `1is User` is `1 is User`.
            return new Token(Token.Kind.INT, src.substring(start, pos), line, col);
        }
        if (c == '"') {
            int startLine = line;
            int start = ++pos;
            while (true) {
                if (pos >= src.length()) {
                    throw new CedarParseException("string starting here is not closed by `\"`", startLine, col);
                }
                char d = src.charAt(pos);
                if (d == '\\') {
                    pos += 2;
                    continue;
                }
                if (d == '\n') {
                    line++;
                    lineStart = pos + 1;
                }
                if (d == '"') {
                    break;
                }
                pos++;
            }
            String body = src.substring(start, pos);
            pos++;
            return new Token(Token.Kind.STRING, body, startLine, col);
        }
        for (String p : PUNCT) {
            if (src.startsWith(p, pos)) {
                pos += p.length();
                return new Token(Token.Kind.PUNCT, p, line, col);
            }
        }
        throw new CedarParseException(
                "unexpected character `" + new String(Character.toChars(src.codePointAt(pos))) + "`", line, col);
    }

    private static boolean isIdentPart(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private void skipTrivia() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\n') {
                pos++;
                line++;
                lineStart = pos;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b') {
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
}
