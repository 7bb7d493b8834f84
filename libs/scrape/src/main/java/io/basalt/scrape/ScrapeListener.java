package io.basalt.scrape;

/** Hears about scrapes and targets, e.g. to keep per-target metrics. */
public interface ScrapeListener {

    void scrapeFinished(ScrapeLoop.ScrapeReport report);

    /**
     * The target went away (a reload, a file_sd change, shutdown) and no report for it follows, so whatever is kept
     * per target can go.
     */
    void targetStopped(ScrapeTarget target);

    /**
     * A network service discovery (http_sd, dns_sd, consul_sd) looked for targets, or kubernetes_sd listed or
     * opened a watch.
     *
     * @param mechanism as in the config file, e.g. {@code http_sd}
     */
    default void discoveryRefreshed(String job, String mechanism, boolean success) {
    }
}
