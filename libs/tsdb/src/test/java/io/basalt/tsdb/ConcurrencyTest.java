package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sixteen writers, concurrent searches, flushes and merges: no sample lost, none seen twice, none seen to vanish. */
class ConcurrencyTest {

    @TempDir
    Path dir;

    @Test
    void searchesStayConsistentWhileWritersFlushesAndMergesRun() throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        int writers = 16;
        int batches = 150;
        EngineConfig cfg = EngineConfig.builder(dir).backgroundTasks(false).minFreeDiskSpaceBytes(0).build();
        try (TsdbEngine engine = TsdbEngine.open(cfg)) {
            ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
            List<Future<?>> writes = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                writes.add(pool.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<TimeSeries> batch = new ArrayList<>();
                        for (int s = 0; s < 5; s++) {
                            batch.add(TimeSeries.single(Labels.of("__name__", "m", "w", "" + writer, "s", "" + s),
                                    t0 + b, b));
                        }
                        engine.append(TenantId.DEFAULT, batch);
                    }
                }));
            }
            AtomicBoolean done = new AtomicBoolean();
            Future<?> maintenance = pool.submit(() -> {
                while (!done.get()) {
                    engine.flush();
                    engine.runMaintenance();
                }
            });
            Future<?> reader = pool.submit(() -> {
                long lastTotal = 0;
                while (!done.get()) {
                    long[] total = { 0 };
                    engine.search(TenantId.DEFAULT, List.of(LabelMatcher.equal("__name__", "m")), Long.MIN_VALUE,
                            Long.MAX_VALUE, ts -> {
                                for (int i = 1; i < ts.size(); i++) {
                                    assertThat(ts.timestamp(i)).isGreaterThan(ts.timestamp(i - 1));
                                }
                                total[0] += ts.size();
                            });
                    assertThat(total[0]).isGreaterThanOrEqualTo(lastTotal);
                    lastTotal = total[0];
                }
            });
            for (Future<?> f : writes) {
                f.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            maintenance.get(60, TimeUnit.SECONDS);
            reader.get(60, TimeUnit.SECONDS);
            pool.shutdown();
            List<TimeSeries> all = new ArrayList<>();
            engine.search(TenantId.DEFAULT, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, all::add);
            assertThat(all).hasSize(writers * 5).allSatisfy(ts -> assertThat(ts.size()).isEqualTo(batches));
            assertThat(engine.status().rowsIngested()).isEqualTo((long) writers * 5 * batches);
        }
    }
}
