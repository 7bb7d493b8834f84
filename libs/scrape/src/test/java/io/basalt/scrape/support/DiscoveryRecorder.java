package io.basalt.scrape.support;

import io.basalt.scrape.ScrapeListener;
import io.basalt.scrape.ScrapeLoop;
import io.basalt.scrape.ScrapeTarget;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A scrape listener that keeps only what discovery reported, as {@code <job> <mechanism> <success>}. */
public final class DiscoveryRecorder implements ScrapeListener {

    private final List<String> refreshes = new CopyOnWriteArrayList<>();

    @Override
    public void scrapeFinished(ScrapeLoop.ScrapeReport report) {
    }

    @Override
    public void targetStopped(ScrapeTarget target) {
    }

    @Override
    public void discoveryRefreshed(String job, String mechanism, boolean success) {
        refreshes.add(job + " " + mechanism + " " + success);
    }

    public List<String> refreshes() {
        return List.copyOf(refreshes);
    }
}
