package io.basalt.storage.search;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.tsdb.Storage;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;

/**
 * A search answer sent while the engine still scans: the body is exactly one {@link RowsCodec} block (header, then
 * series after series), cut into chunks of about {@link #CHUNK_BYTES}. So select nodes decode it as before, while
 * this node never holds the whole answer: the scan waits whenever the client has not asked for more chunks.
 *
 * <p>A failure after the first chunk cannot change the status any more; the stream then ends with an error, which
 * aborts the chunked response without its final chunk, and the client sees a truncated body as an error rather than
 * as a shorter answer.
 */
public final class RowsStream {

    /** Big enough that per-chunk overhead vanishes, small enough that a few queued chunks cost little memory. */
    static final int CHUNK_BYTES = 256 * 1024;

    /** A client that requests nothing for this long is treated as gone, so a scan never blocks a thread forever. */
    private static final long STALL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static final int HEADER_BYTES = RowsCodec.encode(TenantId.DEFAULT, List.of()).length;

    private RowsStream() {
    }

    /**
     * @param stillWanted called before each series is sent; throws to stop the scan (e.g. the caller's deadline)
     * @param scanner where the blocking scan runs
     */
    public static Flux<DataBuffer> search(Storage storage, SearchQuery q, Runnable stillWanted,
            DataBufferFactory buffers, Scheduler scanner) {
        return search(storage, q, labels -> true, stillWanted, buffers, scanner);
    }

    /** Like {@link #search(Storage, SearchQuery, Runnable, DataBufferFactory, Scheduler)}, sending only series that
     * {@code wanted} accepts (a repairer's series-hash range). */
    public static Flux<DataBuffer> search(Storage storage, SearchQuery q, Predicate<Labels> wanted,
            Runnable stillWanted, DataBufferFactory buffers, Scheduler scanner) {
        return Flux.create(sink -> {
            Demand demand = new Demand();
            sink.onRequest(demand::add);
            sink.onDispose(demand::cancel);
            // Never disposed, and cancelling only flags Demand: an interrupt inside a part's read would close that
            // part's FileChannel for every later search.
            scanner.schedule(() -> scan(storage, q, wanted, stillWanted, buffers, sink, demand));
        }, FluxSink.OverflowStrategy.ERROR);
    }

    private static void scan(Storage storage, SearchQuery q, Predicate<Labels> wanted, Runnable stillWanted,
            DataBufferFactory buffers, FluxSink<DataBuffer> sink, Demand demand) {
        Chunker chunker = new Chunker(q, buffers, sink, demand);
        try {
            stillWanted.run();
            storage.search(q.tenant(), q.matchers(), q.minTime(), q.maxTime(), wanted, ts -> {
                if (q.limit() > 0 && chunker.series >= q.limit()) {
                    return; // the engine offers no early exit; skipping is cheap next to encoding
                }
                stillWanted.run();
                chunker.add(ts);
            });
            chunker.finish();
            sink.complete();
        }
        catch (Cancelled e) {
            // the client went away: nothing left to tell it
        }
        catch (RuntimeException | Error e) {
            sink.error(e);
        }
    }

    /** Collects series until a chunk is full, then hands the chunk on once the client wants it. */
    private static final class Chunker {

        private final SearchQuery q;

        private final DataBufferFactory buffers;

        private final FluxSink<DataBuffer> sink;

        private final Demand demand;

        private final List<TimeSeries> pending = new ArrayList<>();

        private long pendingBytes;

        private boolean headerSent;

        long series;

        Chunker(SearchQuery q, DataBufferFactory buffers, FluxSink<DataBuffer> sink, Demand demand) {
            this.q = q;
            this.buffers = buffers;
            this.sink = sink;
            this.demand = demand;
        }

        void add(TimeSeries ts) {
            demand.checkCancelled();
            pending.add(ts);
            series++;
            pendingBytes += 64 + 10L * ts.size();
            if (pendingBytes >= CHUNK_BYTES) {
                emit();
            }
        }

        void finish() {
            if (!pending.isEmpty() || !headerSent) {
                emit();
            }
        }

        private void emit() {
            byte[] block = RowsCodec.encode(q.tenant(), pending);
            // Every chunk after the first continues the one block, so it leaves out the repeated header.
            int skip = headerSent ? HEADER_BYTES : 0;
            pending.clear();
            pendingBytes = 0;
            demand.await();
            headerSent = true;
            sink.next(buffers.wrap(ByteBuffer.wrap(block, skip, block.length - skip).slice()));
        }
    }

    /** Outstanding requests of the HTTP layer; the scan thread parks on it instead of buffering ahead. */
    private static final class Demand {

        private final ReentrantLock lock = new ReentrantLock();

        private final Condition changed = lock.newCondition();

        private long requested;

        private volatile boolean cancelled;

        void add(long n) {
            lock.lock();
            try {
                requested = requested + n < 0 ? Long.MAX_VALUE : requested + n;
                changed.signalAll();
            }
            finally {
                lock.unlock();
            }
        }

        void cancel() {
            lock.lock();
            try {
                cancelled = true;
                changed.signalAll();
            }
            finally {
                lock.unlock();
            }
        }

        void checkCancelled() {
            if (cancelled) {
                throw new Cancelled();
            }
        }

        /** Takes one unit of demand, waiting for it. */
        void await() {
            lock.lock();
            try {
                long waitNanos = STALL_NANOS;
                while (requested == 0 && !cancelled) {
                    if (waitNanos <= 0) {
                        throw new IllegalStateException("search client requested no data for "
                                + TimeUnit.NANOSECONDS.toSeconds(STALL_NANOS) + " s; scan abandoned");
                    }
                    waitNanos = changed.awaitNanos(waitNanos);
                }
                if (cancelled) {
                    throw new Cancelled();
                }
                if (requested != Long.MAX_VALUE) {
                    requested--;
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Cancelled();
            }
            finally {
                lock.unlock();
            }
        }
    }

    private static final class Cancelled extends RuntimeException {

        Cancelled() {
            super(null, null, false, false);
        }
    }
}
