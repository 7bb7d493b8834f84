package io.basalt.promql.engine;

/**
 * A query refused because it would exceed one of the {@link EngineSettings} limits. The message names the limit and
 * says how to narrow the query; a caller that exposes the limit under another name (select's
 * {@code basalt.select.*} properties) re-issues it with {@link #namedAs(String)} so that the user learns which
 * setting it is.
 */
public final class QueryLimitException extends PromqlException {

    /** Which limit was hit. */
    public enum Limit {
        /** {@link EngineSettings#maxSamples()}. */
        SAMPLES("maxSamples"),
        /** {@link EngineSettings#maxSubqueryPoints()}. */
        SUBQUERY_POINTS("maxSubqueryPoints");

        private final String settingName;

        Limit(String settingName) {
            this.settingName = settingName;
        }
    }

    private final Limit limit;

    private final long value;

    private final String what;

    private QueryLimitException(Limit limit, long value, String what, String settingName) {
        super(ErrorType.EXECUTION, message(limit, value, what, settingName));
        this.limit = limit;
        this.value = value;
        this.what = what;
    }

    public static QueryLimitException tooManySamples(long limit) {
        // Prometheus' wording first: clients and conformance suites match on it.
        return new QueryLimitException(Limit.SAMPLES, limit,
                "query processing would load too many samples into memory in query execution", Limit.SAMPLES.settingName);
    }

    static QueryLimitException tooManySubqueryPoints(long limit, String subquery, long points) {
        return new QueryLimitException(Limit.SUBQUERY_POINTS, limit,
                "subquery " + subquery + " would evaluate " + points + " points per series", Limit.SUBQUERY_POINTS.settingName);
    }

    public Limit limit() {
        return limit;
    }

    /** The configured value that was exceeded. */
    public long value() {
        return value;
    }

    /** The same refusal, naming the limit as {@code settingName} (e.g. a configuration property). */
    public QueryLimitException namedAs(String settingName) {
        return new QueryLimitException(limit, value, what, settingName);
    }

    private static String message(Limit limit, long value, String what, String settingName) {
        return switch (limit) {
            case SAMPLES -> what + ": more than " + value + " samples held at once (limit " + settingName + "="
                    + value + "); narrow the query: a shorter time range or range selector, a bigger step or subquery"
                    + " resolution, or fewer series";
            case SUBQUERY_POINTS -> what + ", more than the limit " + settingName + "=" + value
                    + "; narrow the query: a shorter subquery range or a bigger subquery resolution";
        };
    }
}
