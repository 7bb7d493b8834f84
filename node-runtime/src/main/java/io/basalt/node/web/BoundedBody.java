package io.basalt.node.web;

import io.basalt.node.admission.BodyBudget;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * Reads a request body into memory, refusing one larger than a limit. Memory is reserved from the node's
 * {@link BodyBudget} as the buffer grows with the bytes that arrive, never from the declared {@code Content-Length},
 * and given back when the caller is done with the body. A refused body is still read and thrown away
 * (up to {@link #DISCARD_CAP} bytes) before the answer: answering while the sender is still writing and then closing
 * the connection makes the kernel reset it, and the sender sees a broken connection instead of the 413 it must not
 * retry.
 */
public final class BoundedBody {

    /** Past this many bytes of a refused body the connection is dropped rather than drained. */
    static final long DISCARD_CAP = 64L << 20;

    /** The buffer a body starts with, whatever length it declares. */
    static final int INITIAL_CAPACITY = 8192;

    private BoundedBody() {
    }

    /**
     * @return the body bytes (empty array for no body), or {@link PayloadTooLargeException} when the declared length
     *         or the bytes received exceed {@code maxBytes}; nothing beyond {@code maxBytes} is kept in memory
     */
    public static Mono<byte[]> read(ServerHttpRequest request, long maxBytes) {
        return read(request, maxBytes, BodyBudget.UNBOUNDED, Mono::just);
    }

    /**
     * Reads the whole body, holding its bytes against {@code budget} from the moment they arrive until the Mono
     * returned by {@code use} terminates or is cancelled. Whatever the caller does only once a body is complete (take
     * a processing slot, decode) goes in {@code use}: a client that sends slowly holds memory for what it sent, never
     * a slot.
     *
     * @return what {@code use} returns; {@link PayloadTooLargeException} when the declared length or the bytes
     *         received exceed {@code maxBytes}; {@link io.basalt.node.admission.TooBusyException} when the budget is
     *         spent
     */
    public static <T> Mono<T> read(ServerHttpRequest request, long maxBytes, BodyBudget budget,
            Function<byte[], Mono<T>> use) {
        long declared = request.getHeaders().getContentLength();
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        return Mono.using(() -> new Accumulator(limit, declared, budget),
                acc -> request.getBody()
                    .collect(() -> acc, Accumulator::add)
                    .doOnDiscard(DataBuffer.class, DataBufferUtils::release)
                    .flatMap(full -> full.received > maxBytes || declared > maxBytes
                            ? Mono.error(tooLarge(Math.max(declared, full.received), maxBytes))
                            : use.apply(full.bytes())),
                Accumulator::giveBack);
    }

    /**
     * For a body whose declared {@code Content-Length} is over {@code maxBytes}: reads it through and fails with
     * {@link PayloadTooLargeException}, without holding any of it; completes empty when the declared length is within
     * the limit (or unknown), so that the caller goes on to read the body itself.
     */
    public static Mono<Void> refuseIfDeclaredOver(ServerHttpRequest request, long maxBytes) {
        long declared = request.getHeaders().getContentLength();
        if (declared <= maxBytes) {
            return Mono.empty();
        }
        return discard(request).then(Mono.error(tooLarge(declared, maxBytes)));
    }

    /**
     * Reads a body that will not be used and throws it away, up to {@link #DISCARD_CAP} bytes, so that an answer
     * given without reading it (a refusal) reaches the sender and the connection stays usable for its next request.
     */
    public static Mono<Void> discard(ServerHttpRequest request) {
        long[] seen = { 0 };
        return request.getBody()
            .map(BoundedBody::releaseCounting)
            .takeWhile(n -> (seen[0] += n) <= DISCARD_CAP)
            .then()
            .onErrorComplete();
    }

    private static int releaseCounting(DataBuffer buffer) {
        int n = buffer.readableByteCount();
        DataBufferUtils.release(buffer);
        return n;
    }

    private static PayloadTooLargeException tooLarge(long size, long max) {
        return new PayloadTooLargeException("request body of " + size + " bytes exceeds the limit of " + max
                + " bytes");
    }

    /** Keeps bytes up to the limit and only counts the rest; its buffer's size is reserved from the budget. */
    private static final class Accumulator {

        private final int limit;

        private final long declared;

        private final BodyBudget budget;

        private byte[] buf = new byte[0];

        /** Given back by whichever comes last of the reading thread and a cancellation on another thread. */
        private final AtomicLong reserved = new AtomicLong();

        private long received;

        Accumulator(int limit, long declared, BodyBudget budget) {
            this.limit = limit;
            this.declared = declared;
            this.budget = budget;
        }

        void add(DataBuffer chunk) {
            try {
                int n = chunk.readableByteCount();
                if (received + n > DISCARD_CAP) {
                    throw new PayloadTooLargeException("request body exceeds " + DISCARD_CAP
                            + " bytes; connection dropped");
                }
                if (received + n <= limit) {
                    if (received + n > buf.length) {
                        grow(received + n);
                    }
                    chunk.read(buf, (int) received, n);
                }
                else {
                    buf = null;
                    giveBack();
                }
                received += n;
            }
            finally {
                DataBufferUtils.release(chunk);
            }
        }

        /**
         * Doubles the buffer (to at least {@code needed}), but not past the declared length while the body keeps
         * within it, so that a body whose length is declared truthfully ends in an exactly sized buffer.
         */
        private void grow(long needed) {
            long capacity = Math.max(needed, Math.min(limit, Math.max(INITIAL_CAPACITY, 2L * buf.length)));
            if (declared >= needed && declared <= limit) {
                capacity = Math.min(capacity, declared);
            }
            budget.reserve(capacity - buf.length);
            reserved.addAndGet(capacity - buf.length);
            buf = Arrays.copyOf(buf, (int) capacity);
        }

        void giveBack() {
            budget.release(reserved.getAndSet(0));
        }

        byte[] bytes() {
            return buf.length == received ? buf : Arrays.copyOf(buf, (int) received);
        }
    }
}
