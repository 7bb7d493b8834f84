package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The engine's index (head and parts) must select exactly what a brute-force scan over all series selects. */
class IndexMatchingPropertiesTest {

    static final long T0 = System.currentTimeMillis() - 3_600_000;

    static final String[] NAMES = { "__name__", "job", "instance", "env" };

    @Property(tries = 60)
    void searchesAgreeWithBruteForce(@ForAll("seriesSets") List<Labels> series,
            @ForAll("matcherLists") List<List<LabelMatcher>> queries) throws IOException {
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

    @Provide
    Arbitrary<List<Labels>> seriesSets() {
        Arbitrary<Labels> labels = Combinators.combine(
                Arbitraries.of("up", "node_cpu", "node_memory", "http_requests"),
                Arbitraries.of("", "node", "api", "api-canary"),
                Arbitraries.of("", "i1", "i2", "i10", "i20", "x.y"),
                Arbitraries.of("", "prod", "dev"))
            .as((n, j, i, e) -> Labels.builder().add("__name__", n).add("job", j).add("instance", i).add("env", e)
                .build());
        return labels.list().ofMinSize(1).ofMaxSize(40).uniqueElements();
    }

    @Provide
    Arbitrary<List<List<LabelMatcher>>> matcherLists() {
        Arbitrary<String> values = Arbitraries.of("", "up", "node", "api", "i1", "i10", "prod", "x.y", "nope");
        Arbitrary<String> regexes = Arbitraries.of(".*", ".+", "i1.*", "i(1|2)", "api|node", "api.*", "i.",
                "", "up|node_cpu|zzz", "node_.*", "x\\.y", "x.y", "(?:api)-canary", "i[12]0?", "a.*|n.*", "prod|");
        Arbitrary<LabelMatcher> matcher = Combinators.combine(Arbitraries.of(LabelMatcher.Type.values()),
                Arbitraries.of(NAMES), values, regexes).as((type, name, v, re) -> LabelMatcher.of(type, name,
                        type == LabelMatcher.Type.EQUAL || type == LabelMatcher.Type.NOT_EQUAL ? v : re));
        return matcher.list().ofMinSize(0).ofMaxSize(3).list().ofMinSize(1).ofMaxSize(8);
    }
}
