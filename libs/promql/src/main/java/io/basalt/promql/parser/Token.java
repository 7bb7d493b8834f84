package io.basalt.promql.parser;

/** One lexeme; {@code text} is the raw source text except for strings, whose text is the unquoted value. */
record Token(TokenType type, String text, int position) {

    boolean is(TokenType t) {
        return type == t;
    }

    boolean isKeyword(String keyword) {
        return type == TokenType.IDENTIFIER && text.equalsIgnoreCase(keyword);
    }

    String describe() {
        return switch (type) {
            case IDENTIFIER -> "identifier \"" + text + "\"";
            case NUMBER -> "number \"" + text + "\"";
            case DURATION -> "duration \"" + text + "\"";
            case STRING -> "string \"" + text + "\"";
            case EOF -> "end of input";
            default -> type.description();
        };
    }
}
