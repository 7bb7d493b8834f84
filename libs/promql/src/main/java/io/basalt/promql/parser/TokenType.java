package io.basalt.promql.parser;

enum TokenType {
    IDENTIFIER("identifier"), NUMBER("number"), STRING("string"), DURATION("duration"),
    LEFT_PAREN("\"(\""), RIGHT_PAREN("\")\""), LEFT_BRACE("\"{\""), RIGHT_BRACE("\"}\""),
    LEFT_BRACKET("\"[\""), RIGHT_BRACKET("\"]\""), COMMA("\",\""), COLON("\":\""), AT("\"@\""), ASSIGN("\"=\""),
    ADD("\"+\""), SUB("\"-\""), MUL("\"*\""), DIV("\"/\""), MOD("\"%\""), POW("\"^\""),
    EQL("\"==\""), NEQ("\"!=\""), LTE("\"<=\""), LSS("\"<\""), GTE("\">=\""), GTR("\">\""),
    EQL_REGEX("\"=~\""), NEQ_REGEX("\"!~\""), EOF("end of input");

    private final String description;

    TokenType(String description) {
        this.description = description;
    }

    String description() {
        return description;
    }
}
