package io.basalt.wire.exposition;

import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;

/**
 * Writes a metrics page in text format 0.0.4 or OpenMetrics 1.0: {@link #family} opens a family with its
 * {@code # HELP}/{@code # TYPE} (and, in OpenMetrics, {@code # UNIT}) lines, {@link #sample} writes its samples and
 * {@link #finish} closes the page ({@code # EOF} in OpenMetrics).
 *
 * <p>Sample names are written as given: in OpenMetrics a counter family {@code foo} needs samples named
 * {@code foo_total}. Text cannot carry NaN payloads, so every NaN (the staleness marker too) is written as
 * {@code NaN}; {@code -0.0} keeps its sign. I/O errors surface as {@link UncheckedIOException}.
 */
public final class ExpositionWriter {

    private final Appendable out;

    private final boolean openMetrics;

    private final StringBuilder line = new StringBuilder(128);

    public ExpositionWriter(Appendable out, ExpositionFormat format) {
        this.out = out;
        this.openMetrics = format == ExpositionFormat.OPENMETRICS;
    }

    public ExpositionWriter family(MetricMetadata family) {
        line.setLength(0);
        if (!family.help().isEmpty()) {
            line.append("# HELP ").append(family.family()).append(' ');
            appendEscaped(line, family.help(), openMetrics);
            line.append('\n');
        }
        line.append("# TYPE ").append(family.family()).append(' ').append(family.type().text(openMetrics))
                .append('\n');
        if (openMetrics && !family.unit().isEmpty()) {
            line.append("# UNIT ").append(family.family()).append(' ').append(family.unit()).append('\n');
        }
        return flush();
    }

    public ExpositionWriter sample(Labels labels, double value) {
        return sample(labels, value, ExpositionParser.NO_TIMESTAMP);
    }

    /**
     * @param labels          must include {@code __name__}
     * @param timestampMillis or {@link ExpositionParser#NO_TIMESTAMP} to leave it to the scraper
     */
    public ExpositionWriter sample(Labels labels, double value, long timestampMillis) {
        String name = labels.metricName();
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a sample needs a __name__ label: " + labels);
        }
        line.setLength(0);
        line.append(name);
        boolean first = true;
        for (int i = 0; i < labels.size(); i++) {
            String labelName = labels.name(i);
            if (labelName.equals(Labels.METRIC_NAME)) {
                continue;
            }
            line.append(first ? '{' : ',').append(labelName).append("=\"");
            appendEscaped(line, labels.value(i), true);
            line.append('"');
            first = false;
        }
        if (!first) {
            line.append('}');
        }
        line.append(' ');
        appendValue(line, value);
        if (timestampMillis != ExpositionParser.NO_TIMESTAMP) {
            line.append(' ');
            if (openMetrics) {
                line.append(BigDecimal.valueOf(timestampMillis, 3).stripTrailingZeros().toPlainString());
            }
            else {
                line.append(timestampMillis);
            }
        }
        line.append('\n');
        return flush();
    }

    /** Ends the page; OpenMetrics requires the {@code # EOF} line this writes. */
    public void finish() {
        if (openMetrics) {
            line.setLength(0);
            line.append("# EOF\n");
            flush();
        }
    }

    /** Shortest text that reads back to the same double; integers print without a fraction, as Go's exporters do. */
    static void appendValue(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        }
        else if (v == Double.POSITIVE_INFINITY) {
            sb.append("+Inf");
        }
        else if (v == Double.NEGATIVE_INFINITY) {
            sb.append("-Inf");
        }
        else if (v == 0) {
            sb.append(Double.doubleToRawLongBits(v) == 0 ? "0" : "-0");
        }
        else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        }
        else {
            sb.append(v);
        }
    }

    private static void appendEscaped(StringBuilder sb, String s, boolean quotes) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            }
            else if (c == '\n') {
                sb.append("\\n");
            }
            else if (c == '"' && quotes) {
                sb.append("\\\"");
            }
            else {
                sb.append(c);
            }
        }
    }

    private ExpositionWriter flush() {
        try {
            out.append(line);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
