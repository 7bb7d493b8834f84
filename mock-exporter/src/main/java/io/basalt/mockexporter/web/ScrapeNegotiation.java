package io.basalt.mockexporter.web;

import io.basalt.wire.exposition.ExpositionFormat;
import java.util.Locale;

/**
 * Picks the page format from a scraper's {@code Accept} header and the compression from its {@code Accept-Encoding},
 * honouring q-values: OpenMetrics only when the scraper ranks it above text 0.0.4 (which {@code text/*} and
 * {@code *}{@code /*} also name), text otherwise, as every Prometheus client library does.
 */
final class ScrapeNegotiation {

    private ScrapeNegotiation() {
    }

    static ExpositionFormat format(String accept) {
        if (accept == null || accept.isBlank()) {
            return ExpositionFormat.PROMETHEUS_TEXT;
        }
        double openMetrics = 0;
        double text = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            String version = null;
            for (int i = 1; i < parts.length; i++) {
                String[] param = parts[i].split("=", 2);
                if (param.length != 2) {
                    continue;
                }
                String key = param[0].trim().toLowerCase(Locale.ROOT);
                String value = param[1].trim();
                if (key.equals("q")) {
                    q = quality(value);
                }
                else if (key.equals("version")) {
                    version = value;
                }
            }
            if (type.equals("application/openmetrics-text")
                    && (version == null || version.equals("1.0.0") || version.equals("0.0.1"))) {
                openMetrics = Math.max(openMetrics, q);
            }
            else if ((type.equals("text/plain") && (version == null || version.equals("0.0.4")))
                    || type.equals("text/*") || type.equals("*/*")) {
                text = Math.max(text, q);
            }
        }
        return openMetrics > 0 && openMetrics > text ? ExpositionFormat.OPENMETRICS : ExpositionFormat.PROMETHEUS_TEXT;
    }

    /** True when {@code Accept-Encoding} accepts gzip: named with q > 0, or covered by {@code *} and not refused. */
    static boolean gzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        double named = -1;
        double any = 0;
        for (String coding : acceptEncoding.split(",")) {
            String[] parts = coding.split(";");
            String name = parts[0].trim().toLowerCase(Locale.ROOT);
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String[] param = parts[i].split("=", 2);
                if (param.length == 2 && param[0].trim().equalsIgnoreCase("q")) {
                    q = quality(param[1].trim());
                }
            }
            if (name.equals("gzip") || name.equals("x-gzip")) {
                named = Math.max(named, q);
            }
            else if (name.equals("*")) {
                any = Math.max(any, q);
            }
        }
        return named >= 0 ? named > 0 : any > 0;
    }

    /** A malformed q-value counts as 0, so a garbled range is never preferred. */
    private static double quality(String value) {
        try {
            double q = Double.parseDouble(value);
            return q >= 0 && q <= 1 ? q : 0;
        }
        catch (NumberFormatException e) {
            return 0;
        }
    }
}
