package io.basalt.wire.exposition;

import java.util.Locale;

/** The two text formats a scrape target may answer with. */
public enum ExpositionFormat {

    /** Prometheus text format 0.0.4: timestamps in milliseconds, no {@code # EOF}. */
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),

    /** OpenMetrics 1.0 text: timestamps in seconds, {@code # UNIT}, exemplars, and a mandatory {@code # EOF}. */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    /** What a scraper sends to prefer OpenMetrics and fall back to 0.0.4, as Prometheus does. */
    public static final String SCRAPE_ACCEPT_HEADER = "application/openmetrics-text;version=1.0.0;q=0.5,"
            + "text/plain;version=0.0.4;q=0.4,*/*;q=0.1";

    private final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    /** The format of a response by its {@code Content-Type}; anything but OpenMetrics is read as 0.0.4. */
    public static ExpositionFormat fromContentType(String contentType) {
        if (contentType != null
                && contentType.toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text")) {
            return OPENMETRICS;
        }
        return PROMETHEUS_TEXT;
    }
}
