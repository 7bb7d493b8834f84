package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The engine's index (head and parts) must select exactly what a brute-force scan over all series selects. */
class IndexMatchingPropertiesTest {

    static final long T0 = System.currentTimeMillis() - 3_600_000;

    static final String[] NAMES = { "__name__", "job", "instance", "env" };

    @Test
    void searchesAgreeWithBruteForce() {
        Seeded.forAll(60, g -> {
            try {
                searchesAgreeWithBruteForce(seriesSet(g), g.list(1, 8, IndexMatchingPropertiesTest::matchers));
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void searchesAgreeWithBruteForce(List<Labels> series, List<List<LabelMatcher>> queries)
            throws IOException {
        Path dir = Files.createTempDirectory("tsdb-index-prop");
        InMemoryStorage model = new InMemoryStorage();
        EngineConfig cfg = EngineConfig.builder(dir).backgroundTasks(false).minFreeDiskSpaceBytes(0).build();
        try (TsdbEngine engine = TsdbEngine.open(cfg)) {
            for (int i = 0; i < series.size(); i++) {
                List<TimeSeries> batch = List.of(TimeSeries.single(series.get(i), T0 + i, i));
                engine.append(TenantId.DEFAULT, batch);
                model.append(TenantId.DEFAULT, batch);
                if (i == series.size() / 2) {
                    engine.flush(); // half the series then live in a part, half in the head
                }
            }
            for (List<LabelMatcher> q : queries) {
                assertThat(search(engine, q)).as("query %s", q).isEqualTo(search(model, q));
                assertThat(engine.series(TenantId.DEFAULT, q, T0, T0 + series.size()))
                    .as("series %s", q).isEqualTo(model.series(TenantId.DEFAULT, q, T0, T0 + series.size()));
            }
        }
        finally {
            TsdbEngine.deleteRecursively(dir);
        }
    }

    private static List<TimeSeries> search(Storage s, List<LabelMatcher> q) {
        List<TimeSeries> out = new ArrayList<>();
        s.search(TenantId.DEFAULT, q, Long.MIN_VALUE, Long.MAX_VALUE, out::add);
        return out;
    }

    /** One to 40 distinct label sets. */
    private static List<Labels> seriesSet(Gen g) {
        Set<Labels> out = new LinkedHashSet<>();
        int n = g.intBetween(1, 40);
        for (int i = 0; i < n; i++) {
            out.add(Labels.builder().add("__name__", g.oneOf("up", "node_cpu", "node_memory", "http_requests"))
                    .add("job", g.oneOf("", "node", "api", "api-canary"))
                    .add("instance", g.oneOf("", "i1", "i2", "i10", "i20", "x.y"))
                    .add("env", g.oneOf("", "prod", "dev")).build());
        }
        return new ArrayList<>(out);
    }

    private static List<LabelMatcher> matchers(Gen g) {
        return g.list(0, 3, x -> {
            LabelMatcher.Type type = x.oneOf(LabelMatcher.Type.values());
            String v = x.oneOf("", "up", "node", "api", "i1", "i10", "prod", "x.y", "nope");
            String re = x.oneOf(".*", ".+", "i1.*", "i(1|2)", "api|node", "api.*", "i.", "", "up|node_cpu|zzz",
                    "node_.*", "x\\.y", "x.y", "(?:api)-canary", "i[12]0?", "a.*|n.*", "prod|");
            return LabelMatcher.of(type, x.oneOf(NAMES),
                    type == LabelMatcher.Type.EQUAL || type == LabelMatcher.Type.NOT_EQUAL ? v : re);
        });
    }
}
