package io.basalt.scrape;

import io.basalt.model.Labels;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What one target's previous scrapes made of each series, keyed by the series' text on the page (as Prometheus'
 * scrape cache is): a series seen before costs a hash lookup instead of parsing its labels, merging the target's
 * labels and running metric relabeling again. Entries a successful scrape did not see are forgotten, so the cache
 * holds one page's series. Not thread-safe: a scrape loop runs one scrape at a time.
 */
final class ScrapeCache {

    /** What the labeler made of a series text: its final labels, or {@code null} when relabeling drops it. */
    static final class Entry {

        final Labels labels;

        private int lastScrape;

        private Entry(Labels labels) {
            this.labels = labels;
        }
    }

    private final Map<SeriesText, Entry> entries = new HashMap<>();

    /** Looks entries up without copying the page's bytes. */
    private final SeriesText probe = new SeriesText();

    private int scrape;

    /** Starts a scrape: what it looks up or adds counts as seen by it. */
    void beginScrape() {
        scrape++;
    }

    /** The entry for {@code page[from, to)}, marked as seen, or {@code null} for a new series. */
    Entry get(byte[] page, int from, int to) {
        probe.point(page, from, to);
        Entry e = entries.get(probe);
        probe.point(null, 0, 0);
        if (e != null) {
            e.lastScrape = scrape;
        }
        return e;
    }

    /** Remembers what the series text {@code text} (owned by the cache from now on) became. */
    void put(byte[] text, Labels labels) {
        Entry e = new Entry(labels);
        e.lastScrape = scrape;
        SeriesText key = new SeriesText();
        key.point(text, 0, text.length);
        entries.put(key, e);
    }

    /** Ends a scrape that read its whole page: series it did not see are forgotten. */
    void endScrape() {
        int current = scrape;
        entries.values().removeIf(e -> e.lastScrape != current);
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
