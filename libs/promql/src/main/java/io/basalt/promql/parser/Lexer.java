package io.basalt.promql.parser;

import java.util.ArrayList;
import java.util.List;

/** Splits a query into tokens, following the lexical rules of Prometheus 2.42 ({@code promql/parser/lex.go}). */
final class Lexer {

    private final String input;

    private int pos;

    /** Inside {@code [...]} a colon separates a subquery's range from its step instead of starting a name. */
    private boolean insideBrackets;

    private Lexer(String input) {
        this.input = input;
    }

    static List<Token> tokenize(String input) {
        Lexer lexer = new Lexer(input);
        List<Token> tokens = new ArrayList<>();
        Token t;
        do {
            t = lexer.next();
            tokens.add(t);
        } while (t.type() != TokenType.EOF);
        return tokens;
    }

    private ParseException error(int at, String message) {
        return new ParseException(input, at, message);
    }

    private Token next() {
        skipSpaceAndComments();
        if (pos >= input.length()) {
            return new Token(TokenType.EOF, "", pos);
        }
        int start = pos;
        char c = input.charAt(pos);
        if (isIdentifierStart(c) && !(c == ':' && insideBrackets)) {
            pos++;
            while (pos < input.length() && isIdentifierPart(input.charAt(pos))) {
                pos++;
            }
            return new Token(TokenType.IDENTIFIER, input.substring(start, pos), start);
        }
        if (isDigit(c) || (c == '.' && pos + 1 < input.length() && isDigit(input.charAt(pos + 1)))) {
            return numberOrDuration();
        }
        if (c == '"' || c == '\'' || c == '`') {
            return string(c);
        }
        pos++;
        char n = pos < input.length() ? input.charAt(pos) : '\0';
        TokenType type = switch (c) {
            case '(' -> TokenType.LEFT_PAREN;
            case ')' -> TokenType.RIGHT_PAREN;
            case '{' -> TokenType.LEFT_BRACE;
            case '}' -> TokenType.RIGHT_BRACE;
            case '[' -> {
                insideBrackets = true;
                yield TokenType.LEFT_BRACKET;
            }
            case ']' -> {
                insideBrackets = false;
                yield TokenType.RIGHT_BRACKET;
            }
            case ',' -> TokenType.COMMA;
            case ':' -> TokenType.COLON;
            case '@' -> TokenType.AT;
            case '+' -> TokenType.ADD;
            case '-' -> TokenType.SUB;
            case '*' -> TokenType.MUL;
            case '/' -> TokenType.DIV;
            case '%' -> TokenType.MOD;
            case '^' -> TokenType.POW;
            case '=' -> n == '=' ? two(TokenType.EQL) : n == '~' ? two(TokenType.EQL_REGEX) : TokenType.ASSIGN;
            case '!' -> n == '=' ? two(TokenType.NEQ) : n == '~' ? two(TokenType.NEQ_REGEX) : null;
            case '<' -> n == '=' ? two(TokenType.LTE) : TokenType.LSS;
            case '>' -> n == '=' ? two(TokenType.GTE) : TokenType.GTR;
            default -> null;
        };
        if (type == null) {
            if (c == '!') {
                throw error(start, "unexpected character after '!': " + quoteChar(n));
            }
            throw error(start, "unexpected character: " + quoteChar(c));
        }
        return new Token(type, input.substring(start, pos), start);
    }

    private static String quoteChar(char c) {
        return c == '\0' ? "end of input" : "'" + c + "'";
    }

    private TokenType two(TokenType type) {
        pos++;
        return type;
    }

    private void skipSpaceAndComments() {
        while (pos < input.length()) {
            char c = input.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                pos++;
            }
            else if (c == '#') {
                while (pos < input.length() && input.charAt(pos) != '\n') {
                    pos++;
                }
            }
            else {
                return;
            }
        }
    }

    private Token numberOrDuration() {
        int start = pos;
        if (scanNumber()) {
            return new Token(TokenType.NUMBER, input.substring(start, pos), start);
        }
        if (scanDurationRest()) {
            return new Token(TokenType.DURATION, input.substring(start, pos), start);
        }
        int end = Math.min(pos + 1, input.length());
        throw error(start, "bad number or duration syntax: \"" + input.substring(start, end) + "\"");
    }

    /** Mirrors Prometheus: digits (hex after 0x), fraction, exponent, and nothing alphanumeric right after. */
    private boolean scanNumber() {
        String digits = "0123456789";
        if (accept("0") && accept("xX")) {
            digits = "0123456789abcdefABCDEF";
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (accept("eE")) {
            accept("+-");
            acceptRun("0123456789");
        }
        return pos >= input.length() || !isAlphaNumeric(input.charAt(pos));
    }

    private boolean scanDurationRest() {
        if (!accept("smhdwy")) {
            return false;
        }
        accept("s");
        while (accept("0123456789")) {
            acceptRun("0123456789");
            if (!accept("smhdwy")) {
                return false;
            }
            accept("s");
        }
        return pos >= input.length() || !isAlphaNumeric(input.charAt(pos));
    }

    private boolean accept(String valid) {
        if (pos < input.length() && valid.indexOf(input.charAt(pos)) >= 0) {
            pos++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consume
        }
    }

    private Token string(char quote) {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        if (quote == '`') {
            int end = input.indexOf('`', pos);
            if (end < 0) {
                throw error(start, "unterminated raw string");
            }
            sb.append(input, pos, end);
            pos = end + 1;
            return new Token(TokenType.STRING, sb.toString(), start);
        }
        while (true) {
            if (pos >= input.length()) {
                throw error(start, "unterminated quoted string");
            }
            char c = input.charAt(pos);
            if (c == '\n') {
                throw error(start, "unterminated quoted string");
            }
            if (c == quote) {
                pos++;
                return new Token(TokenType.STRING, sb.toString(), start);
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            pos++;
            if (pos >= input.length()) {
                throw error(start, "unterminated quoted string");
            }
            char e = input.charAt(pos++);
            switch (e) {
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'v' -> sb.append('\u000b');
                case '\\' -> sb.append('\\');
                case 'x' -> sb.appendCodePoint(hexEscape(2, start, e));
                case 'u' -> sb.appendCodePoint(hexEscape(4, start, e));
                case 'U' -> sb.appendCodePoint(hexEscape(8, start, e));
                case '0', '1', '2', '3', '4', '5', '6', '7' -> sb.append((char) octalEscape(start));
                default -> {
                    if (e == quote) {
                        sb.append(e);
                    }
                    else {
                        throw error(start, String.format("unknown escape sequence U+%04X '%c'", (int) e, e));
                    }
                }
            }
        }
    }

    private int hexEscape(int digits, int start, char kind) {
        if (pos + digits > input.length()) {
            throw error(start, "unterminated quoted string");
        }
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(input.charAt(pos + i), 16);
            if (d < 0) {
                throw error(start, "illegal character " + quoteChar(input.charAt(pos + i)) + " in escape sequence");
            }
            v = v * 16 + d;
        }
        pos += digits;
        if (kind != 'x' && (v > 0x10FFFF || (v >= 0xD800 && v < 0xE000))) {
            throw error(start, "escape sequence is invalid Unicode code point");
        }
        return v;
    }

    /** {@code \NNN}, the first digit already consumed. */
    private int octalEscape(int start) {
        pos--;
        if (pos + 3 > input.length()) {
            throw error(start, "unterminated quoted string");
        }
        int v = 0;
        for (int i = 0; i < 3; i++) {
            int d = Character.digit(input.charAt(pos + i), 8);
            if (d < 0) {
                throw error(start, "illegal character " + quoteChar(input.charAt(pos + i)) + " in escape sequence");
            }
            v = v * 8 + d;
        }
        if (v > 255) {
            throw error(start, "octal escape value > 255: " + v);
        }
        pos += 3;
        return v;
    }

    static boolean isIdentifierStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    }

    static boolean isIdentifierPart(char c) {
        return isIdentifierStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAlphaNumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || isDigit(c);
    }
}
