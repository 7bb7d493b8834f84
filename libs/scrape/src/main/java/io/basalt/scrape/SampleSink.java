package io.basalt.scrape;

import io.basalt.model.TimeSeries;
import java.util.List;

/** Where scraped and pushed samples go: every remote_write queue. */
@FunctionalInterface
public interface SampleSink {

    void write(List<TimeSeries> series);
}
