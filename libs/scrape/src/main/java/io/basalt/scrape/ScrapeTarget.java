package io.basalt.scrape;

import io.basalt.model.Labels;
import io.basalt.scrape.config.ScrapeJobConfig;
import java.net.URI;

/**
 * A target after relabeling: where to scrape and which labels its series get.
 *
 * @param labels           the final target labels, including the {@code __}-prefixed ones that steer the scrape
 * @param discoveredLabels the labels before relabeling, as shown by {@code /api/v1/targets}
 */
public record ScrapeTarget(ScrapeJobConfig job, Labels labels, Labels discoveredLabels, URI url) {

    /** The target labels attached to each sample: those not starting with {@code __}. */
    public Labels publicLabels() {
        Labels.Builder b = Labels.builder();
        labels.forEach((n, v) -> {
            if (!n.startsWith("__")) {
                b.add(n, v);
            }
        });
        return b.build();
    }

    /** Identifies the target within its job across reloads; a changed label set is a different target. */
    public String key() {
        return job.jobName() + "|" + labels + "|" + url;
    }
}
