package io.basalt.insert.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class BlockBatcherTest {

    private static final Labels A = Labels.of("__name__", "a");

    private static final Labels B = Labels.of("__name__", "b");

    private final List<List<TimeSeries>> stored = new CopyOnWriteArrayList<>();

    @Test
    void samplesOfOneSeriesInABlockBecomeOneSeriesSortedByTime() {
        BlockBatcher batcher = new BlockBatcher(10, this::store, Duration.ofSeconds(5));
        batcher.sample(A, 30, 3);
        batcher.sample(B, 10, 1);
        batcher.sample(A, 10, 1);
        batcher.sample(A, 20, 2);

        assertThat(batcher.finish()).isEqualTo(4);

        assertThat(stored).containsExactly(List.of(
                new TimeSeries(A, new long[] { 10, 20, 30 }, new double[] { 1, 2, 3 }),
                TimeSeries.single(B, 10, 1)));
    }

    @Test
    void noBlockHoldsMoreThanTheMaximumSamples() {
        BlockBatcher batcher = new BlockBatcher(3, this::store, Duration.ofSeconds(5));
        for (int i = 0; i < 10; i++) {
            batcher.sample(i % 2 == 0 ? A : B, i, i);
        }
        batcher.finish();

        assertThat(stored).hasSize(4);
        assertThat(stored).allSatisfy(block -> assertThat(block.stream().mapToInt(TimeSeries::size).sum())
            .isLessThanOrEqualTo(3));
    }

    @Test
    void aFailedBlockStopsTheImportWithItsError() {
        IllegalStateException storageDown = new IllegalStateException("storage down");
        BlockBatcher batcher = new BlockBatcher(1, block -> Mono.error(storageDown), Duration.ofSeconds(5));
        batcher.sample(A, 1, 1);

        assertThatThrownBy(() -> batcher.sample(A, 2, 2)).isSameAs(storageDown);
    }

    @Test
    void parsingWaitsWhileTwoBlocksArePending() {
        Sinks.Empty<Void> never = Sinks.empty();
        BlockBatcher batcher = new BlockBatcher(1, block -> never.asMono(), Duration.ofMillis(200));
        batcher.sample(A, 1, 1);
        batcher.sample(A, 2, 2);

        assertThatThrownBy(() -> batcher.sample(A, 3, 3)).hasMessageContaining("took longer than");
    }

    private Mono<Void> store(List<TimeSeries> block) {
        stored.add(block);
        return Mono.empty();
    }
}
