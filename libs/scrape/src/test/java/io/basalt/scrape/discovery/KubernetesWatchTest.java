package io.basalt.scrape.discovery;

import static io.basalt.scrape.discovery.FakeKubernetesApi.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.scrape.config.TargetGroup;
import io.basalt.scrape.support.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The watch half of kubernetes_sd_configs: events change the targets as they arrive, a 410 Gone leads to a new list,
 * a broken stream is watched again from the last version seen, and a periodic resync lists everything again.
 */
class KubernetesWatchTest {

    private static final String PODS = "/api/v1/namespaces/shop/pods";

    private static final Duration BOUND = Duration.ofSeconds(10);

    private FakeKubernetesApi api;

    private KubernetesSd sd;

    private final List<Boolean> outcomes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void fakeApiServer() throws Exception {
        api = new FakeKubernetesApi().list(PODS, "pods-shop.json");
    }

    @AfterEach
    void stop() {
        if (sd != null) {
            sd.close();
        }
        api.close();
    }

    private void start(ResourceWatch.Timing timing) {
        sd = new KubernetesSd("test", KubernetesSdTest.config("{role: pod, api_server: '" + api.baseUrl()
                + "', namespaces: {names: [shop]}}"), outcomes::add, Map.of(), Path.of("/nonexistent"), timing);
        assertThat(sd.refresh(0)).isTrue();
    }

    private Set<String> addresses() {
        sd.refresh(0);
        return sd.groups().stream().map(g -> g.targets().get(0)).collect(Collectors.toSet());
    }

    private void awaitAddresses(String what, Set<String> expected) {
        Await.until(BOUND, what + " (targets now " + addresses() + ")", () -> addresses().equals(expected));
    }

    private static final Set<String> LISTED = Set.of("10.244.1.5:8000", "10.244.1.5:8080", "10.244.1.5:6060",
            "10.244.1.5");

    @Test
    void eventsChangeTheTargetsAsTheyArrive() {
        api.watch(PODS, FakeKubernetesApi.End.HOLD,
                event("ADDED", "pod-web-2-added.json"),
                "{\"type\": \"BOOKMARK\", \"object\": {\"kind\": \"Pod\", \"apiVersion\": \"v1\", "
                        + "\"metadata\": {\"resourceVersion\": \"110\"}}}",
                event("MODIFIED", "pod-web-2-ready.json"),
                event("DELETED", "pod-web-7d4b9-deleted.json"));
        start(KubernetesSdTest.TEST_TIMING);

        awaitAddresses("web-2 added and web-7d4b9 deleted", Set.of("10.244.1.6:8080"));
        TargetGroup web2 = sd.groups().get(0);
        assertThat(web2.labels().get("__meta_kubernetes_pod_ready")).as("the MODIFIED event applied").isEqualTo(
                "true");
        assertThat(web2.labels().get("__meta_kubernetes_pod_container_image")).isEqualTo("shop/web:1.3");
        List<FakeKubernetesApi.Request> watches = api.requests(PODS, true);
        assertThat(watches).first().satisfies(w -> {
            assertThat(w.param("resourceVersion")).as("watch from the list's version").isEqualTo("102");
            assertThat(w.param("allowWatchBookmarks")).isEqualTo("true");
            assertThat(w.param("timeoutSeconds")).isNotNull();
        });
        assertThat(api.requests(PODS, false)).hasSize(1);
    }

    @Test
    void goneEventMeansANewList() {
        api.watch(PODS, FakeKubernetesApi.End.HOLD,
                "{\"type\": \"ERROR\", \"object\": {\"kind\": \"Status\", \"apiVersion\": \"v1\", \"status\": "
                        + "\"Failure\", \"message\": \"too old resource version: 102 (150)\", \"reason\": "
                        + "\"Expired\", \"code\": 410}}");
        List<String> bodies = new ArrayList<>(List.of(FakeKubernetesApi.resource("pods-shop.json"),
                FakeKubernetesApi.resource("pods-shop-relisted.json")));
        api.listing(PODS, () -> bodies.size() > 1 ? bodies.remove(0) : bodies.get(0));
        start(KubernetesSdTest.TEST_TIMING);

        awaitAddresses("the new list's pods", Set.of("10.244.1.9:8080"));
        assertThat(api.requests(PODS, false)).hasSize(2);
        Await.until(BOUND, "a watch from the new list's version", () -> api.requests(PODS, true).stream()
                .anyMatch(w -> "200".equals(w.param("resourceVersion"))));
    }

    @Test
    void goneStatusOnTheWatchRequestMeansANewList() {
        api.watchStatus(PODS, 410);
        start(KubernetesSdTest.TEST_TIMING);

        Await.until(BOUND, "a second list after 410 Gone", () -> api.requests(PODS, false).size() == 2);
        assertThat(addresses()).isEqualTo(LISTED);
    }

    @Test
    void aBrokenStreamIsWatchedAgainFromTheLastVersionSeen() {
        api.watch(PODS, FakeKubernetesApi.End.BREAK, event("ADDED", "pod-web-2-added.json"))
                .watch(PODS, FakeKubernetesApi.End.HOLD, event("DELETED", "pod-web-7d4b9-deleted.json"));
        start(KubernetesSdTest.TEST_TIMING);

        awaitAddresses("both events, across the break", Set.of("10.244.1.6:8080"));
        List<FakeKubernetesApi.Request> watches = api.requests(PODS, true);
        assertThat(watches).extracting(w -> w.param("resourceVersion")).startsWith("102", "110");
        assertThat(api.requests(PODS, false)).as("no new list for a broken stream").hasSize(1);
        assertThat(outcomes).as("the break is reported as a failed attempt").contains(false);
        assertThat(sd.lastError()).isEmpty();
    }

    @Test
    void aStreamTheServerEndsIsWatchedAgain() {
        api.watch(PODS, FakeKubernetesApi.End.CLOSE, event("ADDED", "pod-web-2-added.json"));
        start(KubernetesSdTest.TEST_TIMING);

        Await.until(BOUND, "a second watch from version 110", () -> api.requests(PODS, true).stream()
                .anyMatch(w -> "110".equals(w.param("resourceVersion"))));
        assertThat(addresses()).contains("10.244.1.6:8080");
    }

    @Test
    void resyncListsEverythingAgainEvenWhenTheStreamFallsSilent() {
        // The fake ignores timeoutSeconds and holds every watch open: only the stall guard ends it.
        List<String> bodies = new ArrayList<>(List.of(FakeKubernetesApi.resource("pods-shop.json"),
                FakeKubernetesApi.resource("pods-shop-relisted.json")));
        api.listing(PODS, () -> bodies.size() > 1 ? bodies.remove(0) : bodies.get(0));
        start(new ResourceWatch.Timing(Duration.ofSeconds(1), Duration.ofMillis(20), Duration.ofMillis(200),
                Duration.ofMillis(300)));

        assertThat(addresses()).isEqualTo(LISTED);
        awaitAddresses("the resync's list", Set.of("10.244.1.9:8080"));
        assertThat(api.requests(PODS, true).get(0).param("timeoutSeconds")).isEqualTo("1");
    }

    @Test
    void anUnreachableServerIsRetriedWithBackoffAndKeepsNoStaleError() throws Exception {
        api.close();
        api = new FakeKubernetesApi();
        String down = api.baseUrl();
        api.close();
        sd = new KubernetesSd("test", KubernetesSdTest.config("{role: pod, api_server: '" + down + "'}"),
                outcomes::add, Map.of(), Path.of("/nonexistent"), KubernetesSdTest.TEST_TIMING);
        assertThat(sd.refresh(0)).isFalse();
        Await.until(BOUND, "several failed attempts", () -> outcomes.stream().filter(ok -> !ok).count() >= 3);
        assertThat(sd.lastError()).contains("/api/v1/pods").contains("ConnectException");
        assertThat(outcomes).doesNotContain(true);
    }

    @Test
    void closingEndsTheWatchAndItsReconnects() throws Exception {
        for (int i = 0; i < 100; i++) {
            api.watch(PODS, FakeKubernetesApi.End.CLOSE);
        }
        start(KubernetesSdTest.TEST_TIMING);
        Await.until(BOUND, "the watch reopened a few times", () -> api.requests(PODS, true).size() >= 3);

        sd.close();
        Thread.sleep(100);
        int afterClose = api.requests().size();
        Thread.sleep(500);
        assertThat(api.requests()).as("no request after close").hasSize(afterClose);
        assertThat(sd.refresh(0)).isFalse();
    }

    @Test
    void aListArrivingInPagesIsReadToTheEndAndWatchedFromItsSnapshot() {
        api.paging(PODS, r -> r.param("continue") == null
                ? FakeKubernetesApi.resource("pods-shop.json").replace("\"resourceVersion\": \"102\"}",
                        "\"resourceVersion\": \"102\", \"continue\": \"page 2\"}")
                : FakeKubernetesApi.resource("pods-shop-relisted.json").replace("\"200\"", "\"102\""));
        start(KubernetesSdTest.TEST_TIMING);

        assertThat(addresses()).containsAll(LISTED).contains("10.244.1.9:8080");
        assertThat(api.requests(PODS, false)).extracting(FakeKubernetesApi.Request::query)
                .containsExactly("limit=500", "limit=500&continue=page%202");
        Await.until(BOUND, "a watch from the snapshot's version", () -> api.requests(PODS, true).stream()
                .anyMatch(w -> "102".equals(w.param("resourceVersion"))));
    }
}
