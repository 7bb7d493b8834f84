package io.basalt.wire.exposition;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.Labels;
import io.basalt.wire.metadata.MetricMetadata;
import io.basalt.wire.metadata.MetricType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A streaming parser for Prometheus text format 0.0.4 and OpenMetrics 1.0 text. It reads the page a line at a time
 * from a byte buffer (the page is never held whole) and hands each sample to an {@link ExpositionListener} as soon as
 * its line is read.
 *
 * <p>It is lenient where real exporters are sloppy and strict where data would be wrong: blank lines, stray comments,
 * {@code \r\n} line ends, spaces inside braces and exemplars are accepted (exemplars are skipped); a malformed name,
 * label, value or timestamp, a duplicated label name, or an OpenMetrics page without {@code # EOF} fails with an
 * {@link ExpositionParseException} naming the line. Samples before the failing line have already been delivered.
 *
 * <p>Timestamps are converted to milliseconds: 0.0.4 carries integer milliseconds, OpenMetrics carries seconds with a
 * fraction (rounded to the nearest millisecond). An instance holds only settings and may be shared.
 */
public final class ExpositionParser {

    /** The timestamp given to samples that carry none: the scraper stamps them. */
    public static final long NO_TIMESTAMP = Long.MIN_VALUE;

    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private final ExpositionFormat format;

    private final int maxLineBytes;

    public ExpositionParser(ExpositionFormat format) {
        this(format, DEFAULT_MAX_LINE_BYTES);
    }

    /** @param maxLineBytes a longer line fails the page rather than growing the buffer without bound */
    public ExpositionParser(ExpositionFormat format, int maxLineBytes) {
        if (maxLineBytes < 64) {
            throw new IllegalArgumentException("maxLineBytes must be at least 64, got " + maxLineBytes);
        }
        this.format = format;
        this.maxLineBytes = maxLineBytes;
    }

    public ExpositionFormat format() {
        return format;
    }

    /**
     * Reads {@code in} to its end (OpenMetrics: to {@code # EOF}). The stream is not closed.
     *
     * @throws ExpositionParseException at the first line that breaks the format
     */
    public void parse(InputStream in, ExpositionListener listener) throws IOException {
        new Session(in, listener).run();
    }

    public void parse(byte[] page, ExpositionListener listener) {
        try {
            parse(new ByteArrayInputStream(page), listener);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One page being parsed: the line buffer, the family being read, and strings seen so far. */
    private final class Session {

        private final InputStream in;

        private final ExpositionListener listener;

        private final SeriesTextListener seriesText;

        private final boolean openMetrics = format == ExpositionFormat.OPENMETRICS;

        private final StringTable strings = new StringTable();

        private byte[] buf = new byte[Math.min(64 * 1024, maxLineBytes + 1)];

        private int pos;

        private int limit;

        private boolean endOfInput;

        private int lineStart;

        /** End of the current line, exclusive, without its line terminator. */
        private int end;

        private int line;

        private byte[] scratch = new byte[256];

        private String familyName;

        private MetricType familyType = MetricType.UNKNOWN;

        private String familyHelp = "";

        private String familyUnit = "";

        private MetricMetadata family;

        private boolean familyAnnounced;

        private MetricMetadata implicitFamily;

        Session(InputStream in, ExpositionListener listener) {
            this.in = in;
            this.listener = listener;
            this.seriesText = listener instanceof SeriesTextListener l ? l : null;
        }

        void run() throws IOException {
            boolean sawEof = false;
            while (nextLine()) {
                line++;
                int p = skipBlanks(lineStart);
                if (p == end) {
                    continue;
                }
                if (sawEof) {
                    throw error("content after # EOF");
                }
                if (buf[p] == '#') {
                    sawEof = comment(p + 1);
                }
                else {
                    sample(p);
                }
            }
            announcePendingFamily();
            if (openMetrics && !sawEof) {
                throw error("an OpenMetrics page must end with \"# EOF\"");
            }
        }

        /** Finds the next line in the buffer, refilling and growing it as needed; false at the end of input. */
        private boolean nextLine() throws IOException {
            int scanFrom = pos;
            while (true) {
                for (int i = scanFrom; i < limit; i++) {
                    if (buf[i] == '\n') {
                        setLine(pos, i);
                        pos = i + 1;
                        return true;
                    }
                }
                if (endOfInput) {
                    if (pos < limit) {
                        setLine(pos, limit);
                        pos = limit;
                        return true;
                    }
                    return false;
                }
                if (pos > 0) {
                    System.arraycopy(buf, pos, buf, 0, limit - pos);
                    limit -= pos;
                    pos = 0;
                }
                scanFrom = limit;
                if (limit == buf.length) {
                    if (buf.length > maxLineBytes) {
                        line++;
                        throw error("line longer than " + maxLineBytes + " bytes");
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min((long) buf.length * 2, maxLineBytes + 1L));
                }
                int n = in.read(buf, limit, buf.length - limit);
                if (n < 0) {
                    endOfInput = true;
                }
                else {
                    limit += n;
                }
            }
        }

        private void setLine(int start, int newline) {
            lineStart = start;
            end = newline > start && buf[newline - 1] == '\r' ? newline - 1 : newline;
        }

        /** A {@code #} line: metadata, {@code # EOF}, or a comment to ignore. Returns true for {@code # EOF}. */
        private boolean comment(int p) {
            p = skipBlanks(p);
            int wordEnd = tokenEnd(p);
            if (openMetrics && matches(p, wordEnd, "EOF") && skipBlanks(wordEnd) == end) {
                return true;
            }
            boolean help = matches(p, wordEnd, "HELP");
            boolean type = matches(p, wordEnd, "TYPE");
            boolean unit = matches(p, wordEnd, "UNIT");
            if (!help && !type && !unit) {
                return false;
            }
            int nameStart = skipBlanks(wordEnd);
            int nameEnd = tokenEnd(nameStart);
            if (nameStart == nameEnd) {
                throw error("# " + new String(buf, p, wordEnd - p, StandardCharsets.US_ASCII)
                        + " needs a metric name");
            }
            checkMetricName(nameStart, nameEnd);
            declare(strings.get(buf, nameStart, nameEnd - nameStart));
            int rest = skipBlanks(nameEnd);
            int restEnd = trimEnd(rest);
            if (help) {
                familyHelp = unescape(rest, restEnd, openMetrics);
            }
            else if (type) {
                String word = new String(buf, rest, restEnd - rest, StandardCharsets.UTF_8);
                MetricType t = MetricType.fromText(word);
                if (t == null) {
                    throw error("unknown metric type \"" + word + "\" for " + familyName);
                }
                familyType = t;
            }
            else {
                familyUnit = new String(buf, rest, restEnd - rest, StandardCharsets.UTF_8);
            }
            return false;
        }

        private void declare(String name) {
            if (!name.equals(familyName)) {
                announcePendingFamily();
                familyName = name;
                familyType = MetricType.UNKNOWN;
                familyHelp = "";
                familyUnit = "";
            }
            family = null;
            familyAnnounced = false;
        }

        private void announcePendingFamily() {
            if (familyName != null && !familyAnnounced) {
                listener.family(declaredFamily());
                familyAnnounced = true;
            }
        }

        private MetricMetadata declaredFamily() {
            if (family == null) {
                family = new MetricMetadata(familyType, familyName, familyHelp, familyUnit);
            }
            return family;
        }

        /** The family a sample belongs to: the declared one if its name fits, else an implicit untyped one. */
        private MetricMetadata familyOf(String metricName) {
            if (familyName != null && belongsToDeclaredFamily(metricName)) {
                MetricMetadata f = declaredFamily();
                if (!familyAnnounced) {
                    listener.family(f);
                    familyAnnounced = true;
                }
                return f;
            }
            announcePendingFamily();
            familyName = null;
            if (implicitFamily == null || !implicitFamily.family().equals(metricName)) {
                implicitFamily = MetricMetadata.unknown(metricName);
                listener.family(implicitFamily);
            }
            return implicitFamily;
        }

        private boolean belongsToDeclaredFamily(String metricName) {
            if (metricName.equals(familyName)) {
                return true;
            }
            if (!metricName.startsWith(familyName)) {
                return false;
            }
            return switch (familyType) {
                case COUNTER -> hasSuffix(metricName, "_total") || hasSuffix(metricName, "_created");
                case HISTOGRAM -> hasSuffix(metricName, "_bucket") || hasSuffix(metricName, "_count")
                        || hasSuffix(metricName, "_sum") || hasSuffix(metricName, "_created");
                case GAUGEHISTOGRAM -> hasSuffix(metricName, "_bucket") || hasSuffix(metricName, "_gcount")
                        || hasSuffix(metricName, "_gsum");
                case SUMMARY -> hasSuffix(metricName, "_count") || hasSuffix(metricName, "_sum")
                        || hasSuffix(metricName, "_created");
                case INFO -> hasSuffix(metricName, "_info");
                default -> false;
            };
        }

        private boolean hasSuffix(String metricName, String suffix) {
            return metricName.length() == familyName.length() + suffix.length() && metricName.endsWith(suffix);
        }

        private void sample(int p) {
            int nameEnd = metricNameEnd(p);
            if (nameEnd == p) {
                throw error("expected a metric name, found '" + (char) (buf[p] & 0xFF) + "'");
            }
            String name = strings.get(buf, p, nameEnd - p);
            if (seriesText != null && knownSeriesSample(p, nameEnd, name)) {
                return;
            }
            Labels.Builder labels = Labels.builder().add(Labels.METRIC_NAME, name);
            p = nameEnd;
            int brace = skipBlanks(p);
            if (brace < end && buf[brace] == '{') {
                p = labelSet(brace + 1, labels);
            }
            if (p >= end || !isBlank(buf[p])) {
                throw error(p >= end ? "missing value for " + name : "unexpected character '"
                        + (char) (buf[p] & 0xFF) + "' after " + name);
            }
            p = skipBlanks(p);
            int valueEnd = tokenEnd(p);
            double value = value(p, valueEnd);
            p = skipBlanks(valueEnd);
            long timestamp = NO_TIMESTAMP;
            if (p < end && buf[p] != '#') {
                int timestampEnd = tokenEnd(p);
                timestamp = timestamp(p, timestampEnd);
                p = skipBlanks(timestampEnd);
            }
            if (p < end && buf[p] != '#') {
                throw error("unexpected text after the sample: \"" + text(p, end) + "\"");
            }
            // Whatever follows '#' here is an exemplar, which Basalt does not keep.
            listener.sample(familyOf(name), labels.build(), value, timestamp);
        }

        /**
         * Offers the sample to the listener by its series text, which is found with a scan for the closing brace
         * (quotes and escapes respected) rather than a parse. False when the listener does not know the text or the
         * line does not look well formed; the full parse then reports any error.
         */
        private boolean knownSeriesSample(int nameStart, int nameEnd, String name) {
            int seriesEnd = nameEnd;
            int brace = skipBlanks(nameEnd);
            if (brace < end && buf[brace] == '{') {
                seriesEnd = labelSetEnd(brace + 1);
                if (seriesEnd < 0) {
                    return false;
                }
            }
            if (seriesEnd >= end || !isBlank(buf[seriesEnd])) {
                return false;
            }
            int p = skipBlanks(seriesEnd);
            int valueEnd = tokenEnd(p);
            if (p == valueEnd) {
                return false;
            }
            double value = FloatText.parse(buf, p, valueEnd);
            if (FloatText.isInvalid(value)) {
                return false;
            }
            p = skipBlanks(valueEnd);
            long timestamp = NO_TIMESTAMP;
            if (p < end && buf[p] != '#') {
                int timestampEnd = tokenEnd(p);
                timestamp = openMetrics ? FloatText.secondsToMillis(buf, p, timestampEnd)
                        : FloatText.parseLong(buf, p, timestampEnd);
                if (timestamp == NO_TIMESTAMP) {
                    return false;
                }
                p = skipBlanks(timestampEnd);
            }
            if (p < end && buf[p] != '#') {
                return false;
            }
            // Announcing the family first keeps the order of events; familyOf is idempotent, so a declined sample
            // that is parsed in full announces nothing twice.
            return seriesText.sampleOfKnownSeries(familyOf(name), buf, nameStart, seriesEnd, value, timestamp);
        }

        /** The index after the {@code '}'} closing a label set that starts at {@code p}, or -1 if it is not closed. */
        private int labelSetEnd(int p) {
            boolean quoted = false;
            for (; p < end; p++) {
                byte c = buf[p];
                if (quoted) {
                    if (c == '\\') {
                        p++;
                    }
                    else if (c == '"') {
                        quoted = false;
                    }
                }
                else if (c == '"') {
                    quoted = true;
                }
                else if (c == '}') {
                    return p + 1;
                }
            }
            return -1;
        }

        private int labelSet(int p, Labels.Builder labels) {
            while (true) {
                p = skipBlanks(p);
                if (p >= end) {
                    throw error("label set is not closed with '}'");
                }
                if (buf[p] == '}') {
                    return p + 1;
                }
                int nameStart = p;
                if (!isLabelNameStart(buf[p])) {
                    throw error("invalid label name starting with '" + (char) (buf[p] & 0xFF) + "'");
                }
                while (p < end && isNameChar(buf[p])) {
                    p++;
                }
                String name = strings.get(buf, nameStart, p - nameStart);
                p = skipBlanks(p);
                if (p >= end || buf[p] != '=') {
                    throw error("expected '=' after label name \"" + name + "\"");
                }
                p = skipBlanks(p + 1);
                if (p >= end || buf[p] != '"') {
                    throw error("expected '\"' to open the value of label \"" + name + "\"");
                }
                int valueStart = ++p;
                boolean escaped = false;
                while (p < end && buf[p] != '"') {
                    if (buf[p] == '\\') {
                        escaped = true;
                        p++;
                    }
                    p++;
                }
                if (p >= end) {
                    throw error("value of label \"" + name + "\" is not closed with '\"'");
                }
                String value = escaped ? unescape(valueStart, p, true)
                        : strings.get(buf, valueStart, p - valueStart);
                try {
                    labels.add(name, value);
                }
                catch (InvalidLabelsException e) {
                    throw error(e.getMessage());
                }
                p = skipBlanks(p + 1);
                if (p < end && buf[p] == ',') {
                    p++;
                }
                else if (p >= end || buf[p] != '}') {
                    throw error("expected ',' or '}' after the value of label \"" + name + "\"");
                }
            }
        }

        private double value(int from, int to) {
            if (from == to) {
                throw error("missing value");
            }
            double v = FloatText.parse(buf, from, to);
            if (FloatText.isInvalid(v)) {
                throw error("invalid value \"" + text(from, to) + "\"");
            }
            return v;
        }

        private long timestamp(int from, int to) {
            if (!openMetrics) {
                long ms = FloatText.parseLong(buf, from, to);
                if (ms == NO_TIMESTAMP) {
                    throw error("invalid timestamp \"" + text(from, to) + "\": expected integer milliseconds");
                }
                return ms;
            }
            long ms = FloatText.secondsToMillis(buf, from, to);
            if (ms == NO_TIMESTAMP) {
                throw error("invalid timestamp \"" + text(from, to) + "\": expected seconds");
            }
            return ms;
        }

        /** Decodes {@code \\}, {@code \n} and (in label values and OpenMetrics help) {@code \"}; keeps others as is. */
        private String unescape(int from, int to, boolean quotes) {
            if (scratch.length < to - from) {
                scratch = new byte[Math.max(to - from, scratch.length * 2)];
            }
            int n = 0;
            for (int i = from; i < to; i++) {
                byte c = buf[i];
                if (c == '\\' && i + 1 < to) {
                    byte next = buf[i + 1];
                    if (next == '\\' || next == 'n' || (quotes && next == '"')) {
                        scratch[n++] = next == 'n' ? (byte) '\n' : next;
                        i++;
                        continue;
                    }
                }
                scratch[n++] = c;
            }
            return strings.get(scratch, 0, n);
        }

        private void checkMetricName(int from, int to) {
            if (metricNameEnd(from) != to) {
                throw error("invalid metric name \"" + text(from, to) + "\"");
            }
        }

        private int metricNameEnd(int p) {
            if (p >= end || !isMetricNameStart(buf[p])) {
                return p;
            }
            while (p < end && (isNameChar(buf[p]) || buf[p] == ':')) {
                p++;
            }
            return p;
        }

        private boolean matches(int from, int to, String word) {
            if (to - from != word.length()) {
                return false;
            }
            for (int i = 0; i < word.length(); i++) {
                if (buf[from + i] != word.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private int skipBlanks(int p) {
            while (p < end && isBlank(buf[p])) {
                p++;
            }
            return p;
        }

        private int tokenEnd(int p) {
            while (p < end && !isBlank(buf[p])) {
                p++;
            }
            return p;
        }

        private int trimEnd(int from) {
            int e = end;
            while (e > from && isBlank(buf[e - 1])) {
                e--;
            }
            return e;
        }

        private String text(int from, int to) {
            int shown = Math.min(to - from, 80);
            return new String(buf, from, shown, StandardCharsets.UTF_8) + (shown < to - from ? "..." : "");
        }

        private ExpositionParseException error(String message) {
            return new ExpositionParseException(line, message);
        }
    }

    private static boolean isBlank(byte c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isMetricNameStart(byte c) {
        return isLabelNameStart(c) || c == ':';
    }

    private static boolean isLabelNameStart(byte c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNameChar(byte c) {
        return isLabelNameStart(c) || (c >= '0' && c <= '9');
    }

    /** Number parsing on raw bytes, with fast paths for the plain decimals that make up nearly every page. */
    static final class FloatText {

        /** A NaN with a payload no exporter writes, returned for unparseable text. */
        static final double INVALID_MARKER = Double.longBitsToDouble(0x7ff00000000dead1L);

        private static final double[] POWERS_OF_TEN = new double[23];

        static {
            double p = 1;
            for (int i = 0; i < POWERS_OF_TEN.length; i++) {
                POWERS_OF_TEN[i] = p;
                p *= 10;
            }
        }

        private FloatText() {
        }

        static boolean isInvalid(double v) {
            return Double.doubleToRawLongBits(v) == Double.doubleToRawLongBits(INVALID_MARKER);
        }

        /** Go's ParseFloat syntax plus the words exporters write: NaN, Inf, +Inf, -Inf (any case). */
        static double parse(byte[] b, int from, int to) {
            int i = from;
            boolean negative = false;
            if (b[i] == '-' || b[i] == '+') {
                negative = b[i] == '-';
                i++;
            }
            long mantissa = 0;
            int digits = 0;
            int fractionDigits = 0;
            boolean dot = false;
            for (; i < to; i++) {
                byte c = b[i];
                if (c >= '0' && c <= '9') {
                    if (digits == 18) {
                        break;
                    }
                    mantissa = mantissa * 10 + (c - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                    if (dot) {
                        fractionDigits++;
                    }
                }
                else if (c == '.' && !dot) {
                    dot = true;
                }
                else {
                    break;
                }
            }
            // Exact when both operands are exact doubles: one correctly rounded division.
            if (i == to && i > from + (negative || b[from] == '+' ? 1 : 0) + (dot ? 1 : 0)
                    && mantissa < (1L << 53) && fractionDigits < POWERS_OF_TEN.length) {
                double v = fractionDigits == 0 ? mantissa : mantissa / POWERS_OF_TEN[fractionDigits];
                return negative ? -v : v;
            }
            return slowParse(b, from, to);
        }

        private static double slowParse(byte[] b, int from, int to) {
            String s = new String(b, from, to - from, StandardCharsets.ISO_8859_1);
            switch (s.toLowerCase(java.util.Locale.ROOT)) {
                case "nan":
                    return Double.NaN;
                case "inf", "+inf", "infinity", "+infinity":
                    return Double.POSITIVE_INFINITY;
                case "-inf", "-infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
            char last = s.charAt(s.length() - 1);
            if (!(last >= '0' && last <= '9') && last != '.' && !(s.startsWith("0x") || s.startsWith("0X"))) {
                return INVALID_MARKER;
            }
            try {
                return Double.parseDouble(s);
            }
            catch (NumberFormatException e) {
                return INVALID_MARKER;
            }
        }

        /** A decimal integer, or {@link #NO_TIMESTAMP} if the text is not one or overflows. */
        static long parseLong(byte[] b, int from, int to) {
            int i = from;
            boolean negative = false;
            if (i < to && (b[i] == '-' || b[i] == '+')) {
                negative = b[i] == '-';
                i++;
            }
            if (i == to) {
                return NO_TIMESTAMP;
            }
            long v = 0;
            for (; i < to; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    return NO_TIMESTAMP;
                }
                if (v < (Long.MIN_VALUE + d) / 10) {
                    return NO_TIMESTAMP;
                }
                v = v * 10 - d;
            }
            if (!negative && v == Long.MIN_VALUE) {
                return NO_TIMESTAMP;
            }
            return negative ? v : -v;
        }

        /** Seconds with an optional fraction, as milliseconds rounded half-even; NO_TIMESTAMP if not a number. */
        static long secondsToMillis(byte[] b, int from, int to) {
            int dot = -1;
            for (int i = from; i < to; i++) {
                byte c = b[i];
                if (c == '.' && dot < 0) {
                    dot = i;
                }
                else if (!(c >= '0' && c <= '9') && !(i == from && c == '-')) {
                    dot = -2;
                    break;
                }
            }
            if (dot != -2 && to - from <= 16) {
                int intEnd = dot < 0 ? to : dot;
                int fractionDigits = dot < 0 ? 0 : to - dot - 1;
                if (fractionDigits <= 3 && intEnd > from + (b[from] == '-' ? 1 : 0)) {
                    long seconds = parseLong(b, from, intEnd);
                    long fraction = 0;
                    for (int i = 0; i < 3; i++) {
                        fraction = fraction * 10 + (i < fractionDigits ? b[dot + 1 + i] - '0' : 0);
                    }
                    boolean negative = b[from] == '-';
                    return seconds * 1000 + (negative ? -fraction : fraction);
                }
            }
            try {
                return new BigDecimal(new String(b, from, to - from, StandardCharsets.ISO_8859_1))
                        .movePointRight(3).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            }
            catch (NumberFormatException | ArithmeticException e) {
                return NO_TIMESTAMP;
            }
        }
    }

    /**
     * Remembers recently decoded strings by their bytes, so a page's repeated metric names, label names and common
     * values become one String each instead of one per line.
     */
    private static final class StringTable {

        private static final int SLOTS = 1024;

        private static final int MAX_CACHED_BYTES = 64;

        private final String[] strings = new String[SLOTS];

        private final byte[][] keys = new byte[SLOTS][];

        String get(byte[] b, int from, int length) {
            if (length == 0) {
                return "";
            }
            if (length > MAX_CACHED_BYTES) {
                return new String(b, from, length, StandardCharsets.UTF_8);
            }
            int h = length;
            for (int i = from, end = from + length; i < end; i++) {
                h = 31 * h + b[i];
            }
            int slot = (h ^ (h >>> 15)) & (SLOTS - 1);
            byte[] key = keys[slot];
            if (key != null && Arrays.equals(key, 0, key.length, b, from, from + length)) {
                return strings[slot];
            }
            String s = new String(b, from, length, StandardCharsets.UTF_8);
            keys[slot] = Arrays.copyOfRange(b, from, from + length);
            strings[slot] = s;
            return s;
        }
    }
}
