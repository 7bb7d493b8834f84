package io.basalt.storage.search;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.InMemoryStorage;
import io.basalt.tsdb.Storage;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import io.basalt.fuzzing.Seeded;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

class RowsStreamTest {

    private static final TenantId TENANT = new TenantId(1, 2);

    private static final SearchQuery ALL = new SearchQuery(TENANT, 0, Long.MAX_VALUE, List.of(), 0);

    @Test
    void theChunksTogetherAreTheOneBlockOfTheWholeAnswer() {
        Seeded.forAll(30, g -> theChunksTogetherAreTheOneBlockOfTheWholeAnswer(g.intBetween(0, 3000),
                g.intBetween(1, 400), g.intBetween(0, 50)));
    }

    private void theChunksTogetherAreTheOneBlockOfTheWholeAnswer(int series, int samples, int limit) {
        InMemoryStorage storage = new InMemoryStorage();
        List<TimeSeries> written = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            written.add(series(s, samples));
        }
        storage.append(TENANT, written);
        SearchQuery q = new SearchQuery(TENANT, 0, Long.MAX_VALUE, List.of(), limit);
        List<TimeSeries> expected = new ArrayList<>();
        storage.search(TENANT, List.of(), 0, Long.MAX_VALUE, ts -> {
            if (limit == 0 || expected.size() < limit) {
                expected.add(ts);
            }
        });

        byte[] body = join(RowsStream.search(storage, q, () -> { }, DefaultDataBufferFactory.sharedInstance,
                Schedulers.boundedElastic()));

        assertThat(body).isEqualTo(RowsCodec.encode(TENANT, expected));
    }

    @Test
    void theScanWaitsForTheClientInsteadOfBufferingTheAnswer() throws InterruptedException {
        AtomicInteger offered = new AtomicInteger();
        EndlessStorage storage = new EndlessStorage(offered);

        StepVerifier.create(RowsStream.search(storage, ALL, () -> { }, DefaultDataBufferFactory.sharedInstance,
                Schedulers.boundedElastic()), 1)
            .assertNext(DataBufferUtils::release)
            .then(() -> sleep(300))
            .then(() -> assertThat(offered.get()).isLessThan(3 * seriesPerChunk()))
            .thenCancel()
            .verify(Duration.ofSeconds(10));
        assertThat(storage.stopped.await(5, java.util.concurrent.TimeUnit.SECONDS))
            .as("a cancelled stream stops the scan").isTrue();
    }

    @Test
    void aFailureAfterTheFirstChunkEndsTheStreamWithAnErrorNotWithAShorterAnswer() {
        AtomicInteger offered = new AtomicInteger();
        Runnable deadline = () -> {
            if (offered.get() > 2 * seriesPerChunk()) {
                throw new IllegalStateException("deadline passed");
            }
        };

        StepVerifier.create(RowsStream.search(new EndlessStorage(offered), ALL, deadline,
                DefaultDataBufferFactory.sharedInstance, Schedulers.boundedElastic()))
            .thenConsumeWhile(b -> DataBufferUtils.release(b) || true)
            .expectErrorMessage("deadline passed")
            .verify(Duration.ofSeconds(10));
    }

    private static int seriesPerChunk() {
        return RowsStream.CHUNK_BYTES / (64 + 10 * 100) + 1;
    }

    private static TimeSeries series(int s, int samples) {
        long[] ts = new long[samples];
        double[] vs = new double[samples];
        for (int i = 0; i < samples; i++) {
            ts[i] = 1_000_000L + i * 15_000L;
            vs[i] = i % 7 == 0 ? Double.longBitsToDouble(0x7ff8000000000000L | s) : s + i / 4.0;
        }
        return new TimeSeries(Labels.of("__name__", "m", "id", Integer.toString(s)), ts, vs);
    }

    private static byte[] join(Flux<DataBuffer> chunks) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunks.doOnNext(b -> {
            byte[] bytes = new byte[b.readableByteCount()];
            b.read(bytes);
            out.writeBytes(bytes);
            DataBufferUtils.release(b);
        }).blockLast(Duration.ofSeconds(30));
        return out.toByteArray();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Offers series of 100 samples until the consumer throws, as a search over a huge range would. */
    private static final class EndlessStorage implements Storage {

        final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);

        private final AtomicInteger offered;

        EndlessStorage(AtomicInteger offered) {
            this.offered = offered;
        }

        @Override
        public void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
                Consumer<TimeSeries> sink) {
            try {
                for (int s = 0; s < 10_000_000; s++) {
                    offered.incrementAndGet();
                    sink.accept(RowsStreamTest.series(s, 100));
                }
            }
            finally {
                stopped.countDown();
            }
        }

        @Override
        public void append(TenantId tenant, List<TimeSeries> series) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Labels> series(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
            return List.of();
        }

        @Override
        public List<String> labelNames(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
            return List.of();
        }

        @Override
        public List<String> labelValues(TenantId tenant, String name, List<LabelMatcher> matchers, long minTime,
                long maxTime) {
            return List.of();
        }

        @Override
        public long seriesCount() {
            return 0;
        }

        @Override
        public long samplesAppended() {
            return 0;
        }

        @Override
        public void close() {
        }
    }
}
