package io.basalt.scrape;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.Labels;
import io.basalt.model.StaleMarker;
import io.basalt.model.TimeSeries;
import io.basalt.relabel.Relabeler;
import io.basalt.scrape.config.ScrapeLimits;
import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionParser;
import io.basalt.wire.exposition.SeriesTextListener;
import io.basalt.wire.metadata.MetricMetadata;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Scrapes one target on each {@link #tick()} and writes what it found plus the series describing the scrape
 * ({@code up}, {@code scrape_duration_seconds}, ...). Like Prometheus, it writes a staleness marker for every series
 * that was in the previous scrape and is missing now, for all of them when a scrape fails, and for all of them and the
 * report series when the target goes away. Series exposed with their own timestamp are not tracked for staleness.
 */
public final class ScrapeLoop {

    static final String UP = "up";

    private final ScrapeTarget target;

    private final TargetFetcher fetcher;

    private final SampleSink sink;

    private final Executor workers;

    private final Clock clock;

    private final SampleLabeler labeler;

    private final Consumer<ScrapeReport> reports;

    private final AtomicBoolean inProgress = new AtomicBoolean();

    /** Used by one scrape at a time: {@link #inProgress} orders the scrapes, and with them the worker threads. */
    private final ScrapeCache cache = new ScrapeCache();

    private final Object lock = new Object();

    /**
     * Series of the last successful scrape that carried no timestamp, for {@link #stop()}'s markers; guarded by
     * {@link #lock}, filled by the cache when a scrape ends.
     */
    private final List<Labels> live = new ArrayList<>();

    private boolean stopped;

    private volatile TargetHealth health = TargetHealth.UNKNOWN;

    /** Fails every scrape with this reason while set, as Prometheus does for a job over its target_limit. */
    private volatile String forcedError;

    /**
     * What one scrape produced, for metrics.
     *
     * @param error {@code null} when the scrape succeeded
     */
    public record ScrapeReport(ScrapeTarget target, String error, int scraped, int kept, double durationSeconds) {
    }

    public ScrapeLoop(ScrapeTarget target, TargetFetcher fetcher, SampleSink sink, Executor workers, Clock clock,
            Consumer<ScrapeReport> reports) {
        this.target = target;
        this.fetcher = fetcher;
        this.sink = sink;
        this.workers = workers;
        this.clock = clock;
        this.reports = reports;
        this.labeler = new SampleLabeler(target.publicLabels(), target.job().honorLabels(),
                Relabeler.of(target.job().metricRelabelConfigs()));
    }

    public ScrapeTarget target() {
        return target;
    }

    public TargetHealth health() {
        return health;
    }

    /** While {@code reason} is not {@code null}, scrapes fail with it without fetching the target. */
    void forceError(String reason) {
        forcedError = reason;
    }

    /** Starts a scrape unless the previous one is still running. */
    public void tick() {
        if (!inProgress.compareAndSet(false, true)) {
            return;
        }
        long start = clock.millis();
        long startNanos = System.nanoTime();
        String forced = forcedError;
        if (forced != null) {
            try {
                complete(start, 0, null, new TargetFetcher.ScrapeFailure(forced));
            }
            finally {
                inProgress.set(false);
            }
            return;
        }
        try {
            fetcher.fetch(target.url(), target.job().scrapeTimeout()).whenCompleteAsync((page, error) -> {
                try {
                    double seconds = (System.nanoTime() - startNanos) / 1e9;
                    complete(start, seconds, page, error);
                }
                finally {
                    inProgress.set(false);
                }
            }, workers);
        }
        catch (RuntimeException e) {
            inProgress.set(false);
            complete(start, (System.nanoTime() - startNanos) / 1e9, null, e);
        }
    }

    private void complete(long timestamp, double seconds, TargetFetcher.Page page, Throwable error) {
        Outcome outcome = new Outcome();
        String failure = null;
        if (error != null) {
            failure = error.getCause() instanceof TargetFetcher.ScrapeFailure f ? f.getMessage()
                    : error instanceof TargetFetcher.ScrapeFailure f2 ? f2.getMessage() : String.valueOf(error);
        }
        else {
            try {
                ingest(page, timestamp, outcome);
            }
            catch (RuntimeException e) {
                failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
        }
        // One critical section from the stopped check to the report: a scrape finishing as the target goes away
        // either writes and reports all of its samples before stop()'s markers, or nothing; and no report follows
        // stop(), after which listeners drop what they keep per target.
        synchronized (lock) {
            if (stopped) {
                return;
            }
            List<TimeSeries> out = failure == null ? outcome.series : new ArrayList<>();
            Consumer<Labels> gone = l -> out.add(TimeSeries.single(l, timestamp, StaleMarker.VALUE));
            int seriesAdded = 0;
            if (failure == null) {
                seriesAdded = cache.endScrape(gone, live);
            }
            else {
                cache.failScrape(gone, live);
            }
            addReport(out, timestamp, failure == null ? 1 : 0, seconds, outcome.scraped, outcome.kept, seriesAdded);
            health = new TargetHealth(failure == null ? "up" : "down", failure == null ? "" : failure, timestamp,
                    seconds, outcome.kept);
            sink.write(out);
            reports.accept(new ScrapeReport(target, failure, outcome.scraped, failure == null ? outcome.kept : 0,
                    seconds));
        }
    }

    private static final class Outcome {

        final List<TimeSeries> series = new ArrayList<>();

        int scraped;

        int kept;
    }

    private void ingest(TargetFetcher.Page page, long timestamp, Outcome outcome) {
        cache.beginScrape();
        ExpositionParser parser = new ExpositionParser(ExpositionFormat.fromContentType(page.contentType()));
        parser.parse(page.body(), new PageReader(timestamp, outcome));
    }

    /**
     * Turns one page's samples into series: a series text the cache knows reuses the labels made for it before;
     * a new one is labeled, checked against the limits and remembered.
     */
    private final class PageReader implements SeriesTextListener {

        private final long timestamp;

        private final Outcome outcome;

        private final boolean honorTimestamps = target.job().honorTimestamps();

        private final ScrapeLimits limits = target.job().limits();

        /** The text of the series the parser is reading in full after the cache did not know it. */
        private byte[] newSeriesText;

        PageReader(long timestamp, Outcome outcome) {
            this.timestamp = timestamp;
            this.outcome = outcome;
        }

        @Override
        public boolean sampleOfKnownSeries(MetricMetadata family, byte[] page, int from, int to, double value,
                long ts) {
            ScrapeCache.Entry known = cache.get(page, from, to);
            if (known == null) {
                newSeriesText = Arrays.copyOfRange(page, from, to);
                return false;
            }
            outcome.scraped++;
            if (known.series != null) {
                keep(known.series, value, ts);
            }
            return true;
        }

        @Override
        public void sample(MetricMetadata family, Labels exposed, double value, long ts) {
            byte[] text = newSeriesText;
            newSeriesText = null;
            outcome.scraped++;
            Labels labels;
            try {
                labels = labeler.label(exposed);
            }
            catch (InvalidLabelsException e) {
                throw new IllegalArgumentException("invalid labels for " + exposed + ": " + e.getMessage(), e);
            }
            if (labels != null) {
                if (labels.metricName().isEmpty()) {
                    throw new IllegalArgumentException("missing metric name (__name__ label)");
                }
                checkLabelLimits(labels, limits);
            }
            ScrapeCache.Series series = text != null ? cache.put(text, labels).series
                    : labels == null ? null : cache.series(labels);
            if (series != null) {
                keep(series, value, ts);
            }
        }

        private void keep(ScrapeCache.Series series, double value, long ts) {
            boolean ownTimestamp = honorTimestamps && ts != ExpositionParser.NO_TIMESTAMP;
            if (!cache.keep(series, !ownTimestamp)) {
                return;
            }
            outcome.kept++;
            long sampleLimit = limits.sampleLimit();
            if (sampleLimit > 0 && outcome.kept > sampleLimit) {
                throw new IllegalArgumentException("sample limit exceeded");
            }
            outcome.series.add(TimeSeries.single(series.labels, ownTimestamp ? ts : timestamp, value));
        }
    }

    /** Prometheus' label limits, checked on each sample as it will be stored; the messages are Prometheus'. */
    static void checkLabelLimits(Labels labels, ScrapeLimits limits) {
        String metric = labels.metricName();
        if (limits.labelLimit() > 0 && labels.size() > limits.labelLimit()) {
            throw new IllegalArgumentException("label_limit exceeded (metric: " + cut(metric) + ", number of labels: "
                    + labels.size() + ", limit: " + limits.labelLimit() + ")");
        }
        if (limits.labelNameLengthLimit() <= 0 && limits.labelValueLengthLimit() <= 0) {
            return;
        }
        for (int i = 0; i < labels.size(); i++) {
            String name = labels.name(i);
            long nameLength = utf8Length(name);
            if (limits.labelNameLengthLimit() > 0 && nameLength > limits.labelNameLengthLimit()) {
                throw new IllegalArgumentException("label_name_length_limit exceeded (metric: " + cut(metric)
                        + ", label name: " + cut(name) + ", length: " + nameLength + ", limit: "
                        + limits.labelNameLengthLimit() + ")");
            }
            String value = labels.value(i);
            long valueLength = utf8Length(value);
            if (limits.labelValueLengthLimit() > 0 && valueLength > limits.labelValueLengthLimit()) {
                throw new IllegalArgumentException("label_value_length_limit exceeded (metric: " + cut(metric)
                        + ", label name: " + cut(name) + ", value: \"" + cut(value) + "\", length: " + valueLength
                        + ", limit: " + limits.labelValueLengthLimit() + ")");
            }
        }
    }

    /** Prometheus quotes at most 50 characters of a name or value in these messages. */
    private static String cut(String s) {
        return s.length() <= 50 ? s : s.substring(0, 50);
    }

    /** Go counts bytes. */
    private static long utf8Length(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            }
            else if (c < 0x800) {
                n += 2;
            }
            else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            }
            else {
                n += 3;
            }
        }
        return n;
    }

    private void addReport(List<TimeSeries> out, long ts, double up, double seconds, int scraped, int kept,
            int added) {
        out.add(TimeSeries.single(labeler.reportLabels(UP), ts, up));
        out.add(TimeSeries.single(labeler.reportLabels("scrape_duration_seconds"), ts, seconds));
        out.add(TimeSeries.single(labeler.reportLabels("scrape_samples_scraped"), ts, scraped));
        out.add(TimeSeries.single(labeler.reportLabels("scrape_samples_post_metric_relabeling"), ts, kept));
        out.add(TimeSeries.single(labeler.reportLabels("scrape_series_added"), ts, added));
    }

    /** Ends the loop: every series it wrote, report series included, gets a staleness marker. */
    public void stop() {
        List<TimeSeries> out = new ArrayList<>();
        long ts = clock.millis();
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
            for (Labels l : live) {
                out.add(TimeSeries.single(l, ts, StaleMarker.VALUE));
            }
            live.clear();
        }
        if (health.lastScrapeMillis() > 0) {
            for (String name : List.of(UP, "scrape_duration_seconds", "scrape_samples_scraped",
                    "scrape_samples_post_metric_relabeling", "scrape_series_added")) {
                out.add(TimeSeries.single(labeler.reportLabels(name), ts, StaleMarker.VALUE));
            }
        }
        if (!out.isEmpty()) {
            sink.write(out);
        }
    }
}
