package io.basalt.scrape;

import io.basalt.model.Labels;
import io.basalt.relabel.Relabeler;
import io.basalt.scrape.config.PromDuration;
import io.basalt.scrape.config.ScrapeJobConfig;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a discovered address and its group labels into a {@link ScrapeTarget}, as Prometheus' PopulateLabels. */
public final class TargetLabels {

    public static final String ADDRESS = "__address__";

    public static final String SCHEME = "__scheme__";

    public static final String METRICS_PATH = "__metrics_path__";

    public static final String PARAM_PREFIX = "__param_";

    public static final String SCRAPE_INTERVAL = "__scrape_interval__";

    public static final String SCRAPE_TIMEOUT = "__scrape_timeout__";

    private TargetLabels() {
    }

    /**
     * The outcome for one discovered target.
     *
     * @param target     the target, or {@code null} when relabeling dropped it or it is invalid
     * @param discovered the labels before relabeling
     * @param error      why the target is invalid, or {@code null}
     */
    public record Result(ScrapeTarget target, Labels discovered, String error) {
    }

    public static Result populate(ScrapeJobConfig job, Relabeler relabeler, Labels groupLabels, String address) {
        TreeMap<String, String> m = new TreeMap<>();
        groupLabels.forEach(m::put);
        m.put(ADDRESS, address);
        m.putIfAbsent("job", job.jobName());
        m.putIfAbsent(SCRAPE_INTERVAL, PromDuration.format(job.scrapeInterval()));
        m.putIfAbsent(SCRAPE_TIMEOUT, PromDuration.format(job.scrapeTimeout()));
        m.putIfAbsent(METRICS_PATH, job.metricsPath());
        m.putIfAbsent(SCHEME, job.scheme());
        job.params().forEach((k, v) -> {
            if (!v.isEmpty()) {
                m.put(PARAM_PREFIX + k, v.get(0));
            }
        });
        Labels.Builder b = Labels.builder();
        m.forEach(b::add);
        Labels discovered = b.build();

        Labels relabeled = relabeler.process(discovered);
        if (relabeled == null) {
            return new Result(null, discovered, null);
        }
        String addr = relabeled.get(ADDRESS);
        if (addr.isEmpty()) {
            return new Result(null, discovered, "no address");
        }
        Labels.Builder out = relabeled.toBuilder();
        String scheme = relabeled.get(SCHEME);
        if (!hasPort(addr)) {
            addr = addr + (scheme.equals("https") ? ":443" : ":80");
            out.set(ADDRESS, addr);
        }
        try {
            if (!relabeled.get(SCRAPE_INTERVAL).isEmpty() && !relabeled.get(SCRAPE_TIMEOUT).isEmpty()
                    && PromDuration.parse(relabeled.get(SCRAPE_TIMEOUT))
                            .compareTo(PromDuration.parse(relabeled.get(SCRAPE_INTERVAL))) > 0) {
                return new Result(null, discovered, "scrape timeout cannot be greater than scrape interval");
            }
        }
        catch (IllegalArgumentException e) {
            return new Result(null, discovered, e.getMessage());
        }
        relabeled.forEach((n, v) -> {
            if (n.startsWith("__meta_")) {
                out.remove(n);
            }
        });
        if (relabeled.get("instance").isEmpty()) {
            out.set("instance", addr);
        }
        Labels finalLabels = out.build();
        URI url;
        try {
            url = URI.create((scheme.isEmpty() ? "http" : scheme) + "://" + addr + path(finalLabels)
                    + query(job, finalLabels));
        }
        catch (IllegalArgumentException e) {
            return new Result(null, discovered, "invalid scrape URL: " + e.getMessage());
        }
        return new Result(new ScrapeTarget(job, finalLabels, discovered, url), discovered, null);
    }

    private static String path(Labels labels) {
        String p = labels.get(METRICS_PATH);
        return p.startsWith("/") ? p : "/" + p;
    }

    private static String query(ScrapeJobConfig job, Labels labels) {
        Map<String, List<String>> params = new LinkedHashMap<>(job.params());
        labels.forEach((n, v) -> {
            if (n.startsWith(PARAM_PREFIX)) {
                params.put(n.substring(PARAM_PREFIX.length()), List.of(v));
            }
        });
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(params).forEach((k, vs) -> vs.forEach(v -> sb.append(sb.length() == 0 ? '?' : '&')
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))));
        return sb.toString();
    }

    private static boolean hasPort(String address) {
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return close > 0 && address.startsWith(":", close + 1);
        }
        int colon = address.lastIndexOf(':');
        return colon >= 0 && address.indexOf(':') == colon && colon < address.length() - 1;
    }
}
