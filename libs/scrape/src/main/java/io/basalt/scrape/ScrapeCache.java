package io.basalt.scrape;

import io.basalt.model.Labels;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What one target's previous scrapes made of each series, keyed by the series' text on the page (as Prometheus'
 * scrape cache is): a series seen before costs a hash lookup instead of parsing its labels, merging the target's
 * labels and running metric relabeling again. It also keeps each final label set's staleness state, so that telling
 * repeats on a page, series that went away and series that are new costs no set of labels per scrape: a field
 * compare on the entry the lookup found, and one pass over the series when the scrape ends. Entries a successful
 * scrape did not see are forgotten, so the cache holds one page's series. Not thread-safe: a scrape loop runs one
 * scrape at a time.
 */
final class ScrapeCache {

    /** What the labeler made of a series text: its series, or {@code null} when relabeling drops it. */
    static final class Entry {

        final Series series;

        private int lastScrape;

        private Entry(Series series) {
            this.series = series;
        }
    }

    /**
     * One final label set. Texts that relabel to the same labels (the same series written with its labels in
     * another order, or told apart only by a label relabeling removes) share it, so a page writes it once.
     */
    static final class Series {

        final Labels labels;

        private int lastSeen;

        private int keptIn;

        private int trackedIn;

        /** Written without its own timestamp by the last successful scrape: it gets a marker when it goes. */
        private boolean live;

        private Series(Labels labels) {
            this.labels = labels;
        }
    }

    private final Map<SeriesText, Entry> entries = new HashMap<>();

    private final Map<Labels, Series> series = new HashMap<>();

    /** Looks entries up without copying the page's bytes. */
    private final SeriesText probe = new SeriesText();

    private int scrape;

    /** Starts a scrape: what it looks up or adds counts as seen by it. */
    void beginScrape() {
        scrape++;
    }

    /** The entry for {@code page[from, to)}, marked as seen, or {@code null} for a new series text. */
    Entry get(byte[] page, int from, int to) {
        probe.point(page, from, to);
        Entry e = entries.get(probe);
        probe.point(null, 0, 0);
        if (e != null) {
            see(e);
        }
        return e;
    }

    /**
     * Remembers what the series text {@code text} (owned by the cache from now on) became: {@code labels}, or
     * {@code null} when relabeling drops it.
     */
    Entry put(byte[] text, Labels labels) {
        Entry e = new Entry(labels == null ? null : series.computeIfAbsent(labels, Series::new));
        see(e);
        SeriesText key = new SeriesText();
        key.point(text, 0, text.length);
        entries.put(key, e);
        return e;
    }

    /** The series for {@code labels} of a sample the parser offered no text for, marked as seen. */
    Series series(Labels labels) {
        Series s = series.computeIfAbsent(labels, Series::new);
        s.lastSeen = scrape;
        return s;
    }

    private void see(Entry e) {
        e.lastScrape = scrape;
        if (e.series != null) {
            e.series.lastSeen = scrape;
        }
    }

    /**
     * Claims this scrape's sample of {@code s}; {@code false} when the page already had one (Prometheus keeps the
     * first). A sample with its own timestamp is not {@code tracked}: no staleness marker follows it.
     */
    boolean keep(Series s, boolean tracked) {
        if (s.keptIn == scrape) {
            return false;
        }
        s.keptIn = scrape;
        if (tracked) {
            s.trackedIn = scrape;
        }
        return true;
    }

    /**
     * Ends a scrape that read its whole page: hands {@code gone} the labels of each series the previous successful
     * scrape wrote and this one did not, fills {@code live} with those this one wrote, forgets what it did not see,
     * and answers how many series it wrote that the previous one had not.
     */
    int endScrape(Consumer<Labels> gone, List<Labels> live) {
        int current = scrape;
        int added = 0;
        live.clear();
        var it = series.values().iterator();
        while (it.hasNext()) {
            Series s = it.next();
            boolean now = s.trackedIn == current;
            if (s.live && !now) {
                gone.accept(s.labels);
            }
            else if (now && !s.live) {
                added++;
            }
            s.live = now;
            if (now) {
                live.add(s.labels);
            }
            if (s.lastSeen != current) {
                it.remove();
            }
        }
        entries.values().removeIf(e -> e.lastScrape != current);
        return added;
    }

    /** Ends a failed scrape: every series the last successful scrape wrote is gone. */
    void failScrape(Consumer<Labels> gone, List<Labels> live) {
        for (Series s : series.values()) {
            if (s.live) {
                gone.accept(s.labels);
                s.live = false;
            }
        }
        live.clear();
    }

    int size() {
        return entries.size();
    }

    /** A byte range compared by content; the probe's range points into the page being parsed. */
    private static final class SeriesText {

        private byte[] bytes;

        private int from;

        private int to;

        private int hash;

        void point(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesText t && t.hash == hash
                    && Arrays.equals(bytes, from, to, t.bytes, t.from, t.to);
        }
    }
}
