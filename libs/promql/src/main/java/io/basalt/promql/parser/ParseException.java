package io.basalt.promql.parser;

/** A query that is not valid PromQL. The message reads like Prometheus': {@code 1:5: parse error: ...}. */
public final class ParseException extends RuntimeException {

    private final int line;

    private final int column;

    private final String detail;

    ParseException(String query, int offset, String detail) {
        super(format(query, offset, detail));
        int[] lc = lineAndColumn(query, offset);
        this.line = lc[0];
        this.column = lc[1];
        this.detail = detail;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** The message without the position prefix. */
    public String detail() {
        return detail;
    }

    private static String format(String query, int offset, String detail) {
        int[] lc = lineAndColumn(query, offset);
        return lc[0] + ":" + lc[1] + ": parse error: " + detail;
    }

    private static int[] lineAndColumn(String query, int offset) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(Math.max(offset, 0), query.length());
        for (int i = 0; i < end; i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] { line, end - lineStart + 1 };
    }
}
