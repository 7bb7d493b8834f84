package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TimeSeries;
import io.basalt.scrape.ScrapeManager;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.support.Await;
import io.basalt.scrape.support.DiscoveryRecorder;
import io.basalt.scrape.support.StubTarget;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Pods found by kubernetes_sd are scraped with their {@code __meta_kubernetes_*} labels available to relabeling, a
 * pod deleted in the watch stops being scraped, and a job removed by a reload stops watching.
 */
class KubernetesSdScrapeTest {

    private static final Duration BOUND = Duration.ofSeconds(30);

    private static final String PODS = "/api/v1/namespaces/shop/pods";

    private final List<TimeSeries> written = new CopyOnWriteArrayList<>();

    private final DiscoveryRecorder listener = new DiscoveryRecorder();

    /** A pod whose metrics port is the stub's, on loopback. */
    private static String pod(String name, String resourceVersion, int port) {
        return """
                {"kind": "Pod", "apiVersion": "v1",
                 "metadata": {"name": "%s", "namespace": "shop", "uid": "%s", "resourceVersion": "%s"},
                 "spec": {"nodeName": "node-1", "containers": [{"name": "app", "image": "shop/web:1",
                          "ports": [{"name": "metrics", "containerPort": %d, "protocol": "TCP"},
                                    {"name": "http", "containerPort": 1, "protocol": "TCP"}]}]},
                 "status": {"phase": "Running", "podIP": "127.0.0.1", "hostIP": "127.0.0.1",
                            "conditions": [{"type": "Ready", "status": "True"}]}}
                """.formatted(name, name, resourceVersion, port);
    }

    @Test
    void discoveredPodsAreScrapedUntilDeletedAndARemovedJobStopsWatching() throws Exception {
        try (StubTarget target = new StubTarget(); FakeKubernetesApi api = new FakeKubernetesApi()) {
            target.page("/metrics", "shop_orders_total 3\n");
            int port = Integer.parseInt(target.address().substring(target.address().lastIndexOf(':') + 1));
            String web = pod("web-1", "50", port);
            api.listing(PODS, () -> "{\"kind\": \"PodList\", \"apiVersion\": \"v1\", \"metadata\": "
                    + "{\"resourceVersion\": \"100\"}, \"items\": [" + web + "]}");
            try (ScrapeManager scrapes = new ScrapeManager(written::addAll, Clock.systemUTC(), 1 << 20,
                    Duration.ofMillis(100), 0, listener, new Discoveries(JndiDnsResolver.system()))) {
                scrapes.apply(AgentConfigLoader.parse("agent.yml", """
                        scrape_configs:
                          - job_name: pods
                            scrape_interval: 200ms
                            scrape_timeout: 200ms
                            kubernetes_sd_configs:
                              - {role: pod, api_server: '%s', namespaces: {names: [shop]}}
                            relabel_configs:
                              - {source_labels: [__meta_kubernetes_pod_container_port_name], regex: metrics,
                                 action: keep}
                              - {source_labels: [__meta_kubernetes_pod_name], target_label: pod}
                        """.formatted(api.baseUrl()), null));

                Await.until(BOUND, "the pod's metrics port to be scraped", () -> written.stream()
                        .anyMatch(ts -> ts.labels().metricName().equals("shop_orders_total")));
                TimeSeries orders = written.stream().filter(ts -> ts.labels().metricName()
                        .equals("shop_orders_total")).findFirst().orElseThrow();
                assertThat(orders.labels().get("pod")).isEqualTo("web-1");
                assertThat(scrapes.loops()).as("the http port is dropped by relabeling").hasSize(1);
                assertThat(listener.refreshes()).contains("pods kubernetes_sd true");

                // The held watch ends; the next one deletes the pod, and those after end at once, so the watch keeps
                // being opened again (after a back-off of 1 s, then 2 s, ...) for as long as it runs.
                api.watch(PODS, FakeKubernetesApi.End.CLOSE, "{\"type\": \"DELETED\", \"object\": "
                        + pod("web-1", "101", port).replace('\n', ' ') + "}");
                for (int i = 0; i < 20; i++) {
                    api.watch(PODS, FakeKubernetesApi.End.CLOSE);
                }
                api.releaseHeld();
                Await.until(BOUND, "the deleted pod's scrape loop to stop", () -> scrapes.loops().isEmpty());
                assertThat(api.requests(PODS, true)).extracting(w -> w.param("resourceVersion"))
                        .startsWith("100", "100");

                scrapes.apply(AgentConfigLoader.parse("agent.yml", "scrape_configs: []", null));
                int afterRemoval = api.requests().size();
                Thread.sleep(2500);
                assertThat(api.requests()).as("no list or watch once the job is gone").hasSize(afterRemoval);
            }
        }
    }
}
