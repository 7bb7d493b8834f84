package io.basalt.agent.remotewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.queue.DiskQueue;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.RemoteWriteConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RemoteWriteQueueAppendFailureTest {

    @TempDir
    Path dir;

    private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();

    private final AtomicLong appendFailures = new AtomicLong();

    private final RemoteWriteMetrics metrics = new RemoteWriteMetrics() {
        @Override
        public void samplesDropped(String reason, long samples) {
            dropped.computeIfAbsent(reason, r -> new AtomicLong()).addAndGet(samples);
        }

        @Override
        public void appendFailed(long samples) {
            appendFailures.incrementAndGet();
        }
    };

    private RemoteWriteQueue brokenQueue() {
        RemoteWriteConfig rw = AgentConfigLoader.parse("agent.yml", """
                remote_write:
                  - url: http://insert/api/v1/write
                """, dir).remoteWrite().get(0);
        DiskQueue disk = DiskQueue.open(dir.resolve("queue"), 1 << 20);
        // A closed queue refuses every append, as a full or failing disk would.
        disk.close();
        return new RemoteWriteQueue(rw, Labels.EMPTY, disk, (url, body, headers, timeout) -> 204, 1,
                Duration.ofHours(1), metrics);
    }

    @Test
    void scrapedSamplesThatCannotBeQueuedAreCountedAsDroppedNotThrownAtTheScrapeLoop() {
        try (RemoteWriteQueue queue = brokenQueue()) {
            queue.write(List.of(TimeSeries.single(Labels.of("__name__", "up"), 1_700_000_000_000L, 1),
                    TimeSeries.single(Labels.of("__name__", "x"), 1_700_000_000_000L, 2)));
            queue.flush();

            assertThat(dropped.get("append_failed")).hasValue(2);
            assertThat(appendFailures).hasValue(1);
        }
    }

    @Test
    void pushedSamplesThatCannotBeQueuedFailTheCallSoTheSenderRetries() {
        try (RemoteWriteQueue queue = brokenQueue()) {
            assertThatThrownBy(() -> queue.append(List.of(TimeSeries.single(Labels.of("__name__", "up"),
                    1_700_000_000_000L, 1))))
                    .isInstanceOf(QueueAppendException.class)
                    .hasMessageContaining("cannot take 1 samples");
            assertThat(appendFailures).hasValue(1);
            assertThat(dropped).doesNotContainKey("append_failed");
        }
    }
}
