package io.basalt.agent.web;

import io.basalt.agent.AgentRuntime;
import io.basalt.model.Labels;
import io.basalt.scrape.ScrapeLoop;
import io.basalt.scrape.ScrapeManager;
import io.basalt.scrape.ScrapeTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/**
 * The relabel debugger: every target that discovery found, job by job, with its labels before relabeling and what
 * became of it (the target labels, or why it was dropped), as Prometheus' {@code /service-discovery} page shows it.
 */
@RestController
public class ServiceDiscoveryController {

    static final String DROPPED_BY_RELABELING = "dropped by relabeling";

    private final AgentRuntime runtime;

    public ServiceDiscoveryController(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    /** One discovered target: {@code labels} when it is scraped, {@code dropped} (the reason) when it is not. */
    record Discovered(Map<String, String> discoveredLabels, Map<String, String> labels, String dropped) {
    }

    /** By job name, in order; kept targets first within a job. */
    private Map<String, List<Discovered>> byJob() {
        Map<String, List<Discovered>> jobs = new TreeMap<>();
        ScrapeManager scrapes = runtime.scrapes();
        if (scrapes == null) {
            return jobs;
        }
        if (runtime.config() != null) {
            runtime.config().scrapeConfigs().forEach(j -> jobs.put(j.jobName(), new ArrayList<>()));
        }
        for (ScrapeLoop loop : scrapes.loops()) {
            ScrapeTarget t = loop.target();
            jobs.computeIfAbsent(t.job().jobName(), k -> new ArrayList<>())
                    .add(new Discovered(map(t.discoveredLabels()), map(t.publicLabels()), null));
        }
        for (ScrapeManager.DroppedTarget d : scrapes.droppedTargets()) {
            jobs.computeIfAbsent(d.job(), k -> new ArrayList<>()).add(new Discovered(map(d.discoveredLabels()),
                    null, d.reason() == null ? DROPPED_BY_RELABELING : d.reason()));
        }
        return jobs;
    }

    @GetMapping(path = "/api/v1/service-discovery", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> api() {
        List<Map<String, Object>> jobs = new ArrayList<>();
        byJob().forEach((job, targets) -> {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("job", job);
            j.put("targets", targets);
            jobs.add(j);
        });
        return Map.of("status", "success", "data", Map.of("jobs", jobs));
    }

    @GetMapping(path = "/service-discovery", produces = MediaType.TEXT_HTML_VALUE)
    public String page() {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Service "
                + "discovery</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:"
                + "1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}.dropped{color:#888}</style>"
                + "</head><body><h1>Service discovery</h1>");
        Map<String, List<Discovered>> jobs = byJob();
        jobs.forEach((job, targets) -> {
            long kept = targets.stream().filter(t -> t.dropped() == null).count();
            sb.append("<h2>").append(esc(job)).append(" (").append(kept).append(" / ").append(targets.size())
                    .append(" active targets)</h2><table><tr><th>Discovered labels</th><th>Target labels</th></tr>");
            for (Discovered t : targets) {
                sb.append("<tr><td>").append(esc(labels(t.discoveredLabels()))).append("</td>");
                if (t.dropped() == null) {
                    sb.append("<td>").append(esc(labels(t.labels()))).append("</td></tr>");
                }
                else {
                    sb.append("<td class=\"dropped\">").append(esc(t.dropped())).append("</td></tr>");
                }
            }
            sb.append("</table>");
        });
        if (jobs.isEmpty()) {
            sb.append("<p>No scrape jobs.</p>");
        }
        return sb.append("</body></html>").toString();
    }

    private static String labels(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder();
        labels.forEach((n, v) -> sb.append(sb.isEmpty() ? "" : "\n").append(n).append("=\"").append(v).append('"'));
        return sb.toString();
    }

    private static Map<String, String> map(Labels labels) {
        Map<String, String> m = new LinkedHashMap<>();
        labels.forEach(m::put);
        return m;
    }

    private static String esc(String s) {
        return HtmlUtils.htmlEscape(s).replace("\n", "<br>");
    }
}
