package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kills a writing child JVM with SIGKILL at random moments and proves no acknowledged sample was lost. */
class CrashSafetyTest {

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedSampleSurvivesKillNineBitExact() throws Exception {
        long t0 = System.currentTimeMillis() - 3_600_000;
        Random random = new Random(42);
        int next = 0;
        int rounds = 4;
        for (int round = 0; round < rounds; round++) {
            int lastAck = runChildUntilKilled(t0, next, 400 + random.nextInt(1200));
            assertThat(lastAck).as("child acknowledged something in round %d", round).isGreaterThanOrEqualTo(next);
            EngineConfig cfg = EngineConfig.builder(dir).backgroundTasks(false).minFreeDiskSpaceBytes(0).build();
            try (TsdbEngine engine = TsdbEngine.open(cfg)) {
                Map<String, Map<Long, Long>> stored = new HashMap<>();
                engine.search(TenantId.DEFAULT, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, ts -> {
                    Map<Long, Long> samples = stored.computeIfAbsent(ts.labels().get("series"), k -> new HashMap<>());
                    for (int i = 0; i < ts.size(); i++) {
                        samples.put(ts.timestamp(i), Double.doubleToRawLongBits(ts.value(i)));
                    }
                });
                int missing = 0;
                for (int b = 0; b <= lastAck; b++) {
                    for (TimeSeries ts : CrashChild.batch(t0, b)) {
                        Map<Long, Long> samples = stored.getOrDefault(ts.labels().get("series"), Map.of());
                        for (int i = 0; i < ts.size(); i++) {
                            Long bits = samples.get(ts.timestamp(i));
                            if (bits == null || bits != Double.doubleToRawLongBits(ts.value(i))) {
                                missing++;
                            }
                        }
                    }
                }
                assertThat(missing).as("acknowledged samples lost or altered after kill in round %d (acked up to"
                        + " batch %d)", round, lastAck).isZero();
            }
            next = lastAck + 1;
        }
    }

    private int runChildUntilKilled(long t0, int start, long killAfterMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dir.toString(), Long.toString(t0), Integer.toString(start))
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        AtomicInteger lastAck = new AtomicInteger(start - 1);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    if (line.startsWith("ACK ")) {
                        lastAck.set(Integer.parseInt(line.substring(4)));
                    }
                }
            }
            catch (java.io.IOException e) {
                // the pipe closes when the child dies
            }
        });
        reader.start();
        long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (lastAck.get() < start && System.nanoTime() < waitUntil && child.isAlive()) {
            Thread.sleep(10);
        }
        Thread.sleep(killAfterMs);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        reader.join(5000);
        return lastAck.get();
    }
}
