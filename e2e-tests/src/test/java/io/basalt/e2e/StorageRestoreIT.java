package io.basalt.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The restore procedure of docs/storage.md, step by step on real processes: snapshot a running node, copy the
 * snapshot directory with {@code cp -a} into an empty data path, start a node there, and get the same answers the
 * original gave at snapshot time; writes after the snapshot are not in it.
 */
class StorageRestoreIT {

    private static final TenantId TENANT = new TenantId(5, 0);

    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 2 * 3_600_000L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void aSnapshotCopiedIntoAnEmptyDataPathAnswersLikeTheOriginalDid(@TempDir Path dir) throws Exception {
        Path original = dir.resolve("original");
        Path restored = dir.resolve("restored");
        List<SearchQuery> queries = List.of(
                query(LabelMatcher.equal("__name__", "restore_cpu")),
                query(LabelMatcher.equal("__name__", "restore_mem"), LabelMatcher.equal("host", "h3")),
                query(LabelMatcher.of(LabelMatcher.Type.REGEX, "__name__", "restore_.*")));
        List<byte[]> before = new ArrayList<>();
        String snapshot;
        try (ServiceProcess node = ServiceProcess.start("restore-original", "storage-service",
                List.of("--basalt.storage.data-path=" + original))) {
            node.awaitReady(Duration.ofSeconds(120));
            assertThat(insert(node, data(0, 120)).statusCode()).isEqualTo(204);
            assertThat(post(node, "/internal/force_flush", new byte[0]).statusCode()).isEqualTo(204);
            assertThat(insert(node, data(120, 240)).statusCode()).isEqualTo(204); // still in the head: snapshot flushes

            JsonNode created = JSON.readTree(post(node, "/snapshot/create", new byte[0]).body());
            assertThat(created.path("status").asString()).isEqualTo("ok");
            snapshot = created.path("snapshot").asString();
            assertThat(JSON.readTree(get(node, "/snapshot/list")).path("snapshots").toString()).contains(snapshot);
            for (SearchQuery q : queries) {
                before.add(search(node, q));
            }
            assertThat(insert(node, data(240, 300)).statusCode()).isEqualTo(204); // after the snapshot

            // Step 2 of the procedure, while the node runs: the snapshot's files never change.
            Files.createDirectories(restored);
            Process cp = new ProcessBuilder("cp", "-a", original.resolve("snapshots").resolve(snapshot) + "/.",
                    restored.toString()).inheritIO().start();
            assertThat(cp.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(cp.exitValue()).isZero();

            assertThat(post(node, "/snapshot/delete?snapshot=" + snapshot, new byte[0]).statusCode()).isEqualTo(200);
            assertThat(post(node, "/snapshot/delete?snapshot=" + snapshot, new byte[0]).statusCode()).isEqualTo(404);
            assertThat(JSON.readTree(get(node, "/snapshot/list")).path("snapshots").size()).isZero();
        }

        try (ServiceProcess node = ServiceProcess.start("restore-restored", "storage-service",
                List.of("--basalt.storage.data-path=" + restored))) {
            node.awaitReady(Duration.ofSeconds(120));
            for (int i = 0; i < queries.size(); i++) {
                byte[] answer = search(node, queries.get(i));
                assertThat(RowsCodec.decode(answer).series()).as("query %d", i).isNotEmpty();
                assertThat(answer).as("query %d answers as at snapshot time", i).isEqualTo(before.get(i));
            }
        }
    }

    /** Ten hosts with a CPU counter and a memory gauge each, at 15 s steps {@code from} until {@code to}. */
    private static List<TimeSeries> data(int from, int to) {
        List<TimeSeries> out = new ArrayList<>();
        for (int h = 0; h < 10; h++) {
            long[] ts = new long[to - from];
            double[] cpu = new double[ts.length];
            double[] mem = new double[ts.length];
            for (int i = from; i < to; i++) {
                ts[i - from] = T0 + i * 15_000L;
                cpu[i - from] = h * 100 + i * 0.37;
                mem[i - from] = 4096.0 * (1_000_000 + h * 7919 + i % 13);
            }
            out.add(new TimeSeries(Labels.of("__name__", "restore_cpu", "host", "h" + h), ts, cpu));
            out.add(new TimeSeries(Labels.of("__name__", "restore_mem", "host", "h" + h), ts, mem));
        }
        return out;
    }

    private static SearchQuery query(LabelMatcher... matchers) {
        return new SearchQuery(TENANT, T0, T0 + 24 * 3_600_000L, List.of(matchers), 0);
    }

    private HttpResponse<String> insert(ServiceProcess node, List<TimeSeries> series)
            throws IOException, InterruptedException {
        return post(node, "/internal/insert", RowsCodec.encode(TENANT, series));
    }

    private byte[] search(ServiceProcess node, SearchQuery q) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request(node, "/internal/search", q.encode()),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> post(ServiceProcess node, String path, byte[] body)
            throws IOException, InterruptedException {
        return http.send(request(node, path, body), HttpResponse.BodyHandlers.ofString());
    }

    private String get(ServiceProcess node, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(node.baseUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static HttpRequest request(ServiceProcess node, String path, byte[] body) {
        return HttpRequest.newBuilder(URI.create(node.baseUrl() + path))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    }
}
