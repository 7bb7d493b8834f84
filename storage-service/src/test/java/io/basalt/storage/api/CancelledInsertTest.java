package io.basalt.storage.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.node.admission.AdmissionGate;
import io.basalt.tsdb.Storage;
import io.basalt.tsdb.TsdbEngine;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;

/**
 * A caller that hangs up while its insert is being appended (insert-service's storage timeout, a killed insert node)
 * must not break the node: the append still completes and is stored, and later inserts, flushes and searches work.
 * The append is paused at a chosen moment by a {@link Storage} wrapper in front of the real engine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CancelledInsertTest {

    private static final TenantId TENANT = new TenantId(4, 2);

    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 600_000;

    @TempDir
    static Path dataPath;

    @DynamicPropertySource
    static void dataPath(DynamicPropertyRegistry registry) {
        registry.add("basalt.storage.data-path", () -> dataPath.toString());
    }

    @TestConfiguration
    static class PausableAppends {

        @Bean
        @Primary
        PausingStorage pausingStorage(TsdbEngine engine) {
            return new PausingStorage(engine);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    PausingStorage storage;

    @Autowired
    @Qualifier("insertGate")
    AdmissionGate insertGate;

    @Test
    void anInsertWhoseCallerHungUpIsStoredAndTheNodeKeepsInsertingFlushingAndAnswering() throws Exception {
        InternalClient client = new InternalClient(port);
        storage.pauseNextAppend();
        Disposable caller = WebClient.create("http://127.0.0.1:" + port)
            .post()
            .uri("/internal/insert")
            .contentType(MediaType.parseMediaType(RowsCodec.CONTENT_TYPE))
            .bodyValue(RowsCodec.encode(TENANT, List.of(sample("hung_up", 1))))
            .retrieve()
            .toBodilessEntity()
            .subscribe(r -> { }, e -> { });
        assertThat(storage.paused.await(10, TimeUnit.SECONDS)).as("append reached").isTrue();

        caller.dispose();
        // The insert slot comes back only after the cancel has travelled up to the append's task.
        awaitNoInsertRunning();
        storage.resume();

        assertThat(storage.finished.await(10, TimeUnit.SECONDS)).as("append finished").isTrue();
        assertThat(storage.failure.get()).as("the cancelled append's failure").isNull();
        assertThat(client.insert(TENANT, List.of(sample("after", 2))).statusCode()).isEqualTo(204);
        assertThat(client.post("/internal/force_flush", "text/plain", new byte[0]).statusCode()).isEqualTo(204);
        assertThat(client.insert(TENANT, List.of(sample("after_flush", 3))).statusCode()).isEqualTo(204);
        var found = RowsCodec.decode(client.search(new SearchQuery(TENANT, T0 - 1, T0 + 1,
                List.of(LabelMatcher.of(LabelMatcher.Type.REGEX, "__name__", "hung_up|after|after_flush")), 0))
            .body()).series();
        assertThat(found).containsExactlyInAnyOrder(sample("hung_up", 1), sample("after", 2),
                sample("after_flush", 3));
        assertThat(storage.interrupted).as("the append's thread was interrupted").isFalse();
    }

    private void awaitNoInsertRunning() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (insertGate.running() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the server never noticed the caller hang up");
            }
            Thread.sleep(10);
        }
    }

    private static TimeSeries sample(String name, double value) {
        return new TimeSeries(Labels.of("__name__", name), new long[] { T0 }, new double[] { value });
    }

    /** The engine, with one append held at its start until the test lets it go on. */
    static final class PausingStorage implements Storage {

        private final TsdbEngine engine;

        private final AtomicBoolean pauseNext = new AtomicBoolean();

        private final CountDownLatch release = new CountDownLatch(1);

        final CountDownLatch paused = new CountDownLatch(1);

        final CountDownLatch finished = new CountDownLatch(1);

        final AtomicReference<Throwable> failure = new AtomicReference<>();

        volatile boolean interrupted;

        PausingStorage(TsdbEngine engine) {
            this.engine = engine;
        }

        void pauseNextAppend() {
            pauseNext.set(true);
        }

        void resume() {
            release.countDown();
        }

        @Override
        public void append(TenantId tenant, List<TimeSeries> series) {
            if (!pauseNext.compareAndSet(true, false)) {
                engine.append(tenant, series);
                return;
            }
            paused.countDown();
            awaitRelease();
            try {
                engine.append(tenant, series);
            }
            catch (RuntimeException | Error e) {
                failure.set(e);
                throw e;
            }
            finally {
                finished.countDown();
            }
        }

        /**
         * Like engine code busy at that moment, an interrupt does not stop it: the flag stays set for the next
         * blocking call to find, which is how an interrupt reaches the write-ahead log's write.
         */
        private void awaitRelease() {
            boolean wasInterrupted = false;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (release.getCount() > 0 && System.nanoTime() < deadline) {
                try {
                    release.await(100, TimeUnit.MILLISECONDS);
                }
                catch (InterruptedException e) {
                    wasInterrupted = true;
                }
            }
            if (wasInterrupted) {
                interrupted = true;
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void search(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime,
                Consumer<TimeSeries> sink) {
            engine.search(tenant, matchers, minTime, maxTime, sink);
        }

        @Override
        public List<Labels> series(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
            return engine.series(tenant, matchers, minTime, maxTime);
        }

        @Override
        public List<String> labelNames(TenantId tenant, List<LabelMatcher> matchers, long minTime, long maxTime) {
            return engine.labelNames(tenant, matchers, minTime, maxTime);
        }

        @Override
        public List<String> labelValues(TenantId tenant, String name, List<LabelMatcher> matchers, long minTime,
                long maxTime) {
            return engine.labelValues(tenant, name, matchers, minTime, maxTime);
        }

        @Override
        public long seriesCount() {
            return engine.seriesCount();
        }

        @Override
        public long samplesAppended() {
            return engine.samplesAppended();
        }

        @Override
        public void close() {
            // the engine is a bean of its own and closed as one
        }
    }
}
