package io.basalt.scrape;

/**
 * What {@code /api/v1/targets} reports for one target.
 *
 * @param health              {@code up}, {@code down} or {@code unknown} before the first scrape
 * @param lastError           why the last scrape failed, or {@code ""}
 * @param lastScrapeMillis    when the last scrape started, or 0
 * @param lastDurationSeconds how long it took
 */
public record TargetHealth(String health, String lastError, long lastScrapeMillis, double lastDurationSeconds,
        long lastSamples) {

    public static final TargetHealth UNKNOWN = new TargetHealth("unknown", "", 0, 0, 0);
}
