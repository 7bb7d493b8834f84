package io.basalt.scrape.config;

/**
 * A scrape job's limits, as Prometheus 2.42 names them; 0 means no limit. Exceeding any of them fails the scrape
 * ({@code up} = 0, the reason in {@code lastError}), except {@code targetLimit}, which fails every target of the job
 * while the job has too many.
 *
 * @param sampleLimit           samples one scrape may keep after metric relabeling
 * @param targetLimit           targets the job may have after relabeling
 * @param labelLimit            labels one sample may carry, its name and the target labels included
 * @param labelNameLengthLimit  bytes in a label name
 * @param labelValueLengthLimit bytes in a label value
 * @param bodySizeLimit         bytes of an uncompressed scrape body; 0 leaves the agent's {@code max-scrape-size}
 */
public record ScrapeLimits(long sampleLimit, long targetLimit, long labelLimit, long labelNameLengthLimit,
        long labelValueLengthLimit, long bodySizeLimit) {

    public static final ScrapeLimits NONE = new ScrapeLimits(0, 0, 0, 0, 0, 0);
}
