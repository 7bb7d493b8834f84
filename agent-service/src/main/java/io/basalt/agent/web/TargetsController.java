package io.basalt.agent.web;

import io.basalt.agent.AgentRuntime;
import io.basalt.model.Labels;
import io.basalt.scrape.ScrapeLoop;
import io.basalt.scrape.ScrapeManager;
import io.basalt.scrape.ScrapeTarget;
import io.basalt.scrape.TargetHealth;
import io.basalt.scrape.config.PromDuration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.HtmlUtils;

/** {@code GET /api/v1/targets} in Prometheus' JSON shape, and a {@code /targets} page for people. */
@RestController
public class TargetsController {

    private final AgentRuntime runtime;

    public TargetsController(AgentRuntime runtime) {
        this.runtime = runtime;
    }

    @GetMapping(path = "/api/v1/targets", produces = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> targets(@RequestParam(name = "state", defaultValue = "any") String state) {
        Map<String, Object> data = new LinkedHashMap<>();
        List<Map<String, Object>> active = new ArrayList<>();
        List<Map<String, Object>> dropped = new ArrayList<>();
        ScrapeManager scrapes = runtime.scrapes();
        if (scrapes != null) {
            if (!state.equals("dropped")) {
                for (ScrapeLoop loop : sorted(scrapes.loops())) {
                    active.add(describe(loop));
                }
            }
            if (!state.equals("active")) {
                for (ScrapeManager.DroppedTarget d : scrapes.droppedTargets()) {
                    dropped.add(Map.of("discoveredLabels", map(d.discoveredLabels())));
                }
            }
        }
        data.put("activeTargets", active);
        data.put("droppedTargets", dropped);
        return Map.of("status", "success", "data", data);
    }

    private static List<ScrapeLoop> sorted(List<ScrapeLoop> loops) {
        List<ScrapeLoop> out = new ArrayList<>(loops);
        out.sort(Comparator.comparing((ScrapeLoop l) -> l.target().job().jobName())
                .thenComparing(l -> l.target().url().toString()));
        return out;
    }

    private static Map<String, Object> describe(ScrapeLoop loop) {
        ScrapeTarget t = loop.target();
        TargetHealth h = loop.health();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("discoveredLabels", map(t.discoveredLabels()));
        m.put("labels", map(t.publicLabels()));
        m.put("scrapePool", t.job().jobName());
        m.put("scrapeUrl", t.url().toString());
        m.put("globalUrl", t.url().toString());
        m.put("lastError", h.lastError());
        m.put("lastScrape", h.lastScrapeMillis() == 0 ? "0001-01-01T00:00:00Z"
                : Instant.ofEpochMilli(h.lastScrapeMillis()).toString());
        m.put("lastScrapeDuration", h.lastDurationSeconds());
        m.put("health", h.health());
        m.put("scrapeInterval", PromDuration.format(t.job().scrapeInterval()));
        m.put("scrapeTimeout", PromDuration.format(t.job().scrapeTimeout()));
        return m;
    }

    private static Map<String, String> map(Labels labels) {
        Map<String, String> m = new LinkedHashMap<>();
        labels.forEach(m::put);
        return m;
    }

    @GetMapping(path = "/targets", produces = MediaType.TEXT_HTML_VALUE)
    public String page() {
        StringBuilder sb = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\"><title>Targets"
                + "</title><style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid"
                + " #ccc;padding:4px 8px;text-align:left}.up{color:#080}.down{color:#b00}</style></head><body>"
                + "<h1>Targets</h1>");
        ScrapeManager scrapes = runtime.scrapes();
        List<ScrapeLoop> loops = scrapes == null ? List.of() : sorted(scrapes.loops());
        String job = null;
        for (ScrapeLoop loop : loops) {
            String j = loop.target().job().jobName();
            if (!j.equals(job)) {
                if (job != null) {
                    sb.append("</table>");
                }
                job = j;
                long up = loops.stream().filter(l -> l.target().job().jobName().equals(j)
                        && l.health().health().equals("up")).count();
                long all = loops.stream().filter(l -> l.target().job().jobName().equals(j)).count();
                sb.append("<h2>").append(esc(j)).append(" (").append(up).append('/').append(all)
                        .append(" up)</h2><table><tr><th>Endpoint</th><th>State</th><th>Labels</th>"
                                + "<th>Last scrape</th><th>Duration</th><th>Error</th></tr>");
            }
            TargetHealth h = loop.health();
            sb.append("<tr><td>").append(esc(loop.target().url().toString())).append("</td><td class=\"")
                    .append(h.health()).append("\">").append(h.health().toUpperCase()).append("</td><td>")
                    .append(esc(loop.target().publicLabels().toString())).append("</td><td>")
                    .append(h.lastScrapeMillis() == 0 ? "never" : Instant.ofEpochMilli(h.lastScrapeMillis()))
                    .append("</td><td>").append(String.format("%.3fs", h.lastDurationSeconds())).append("</td><td>")
                    .append(esc(h.lastError())).append("</td></tr>");
        }
        if (job != null) {
            sb.append("</table>");
        }
        if (loops.isEmpty()) {
            sb.append("<p>No targets.</p>");
        }
        return sb.append("</body></html>").toString();
    }

    private static String esc(String s) {
        return HtmlUtils.htmlEscape(s);
    }
}
