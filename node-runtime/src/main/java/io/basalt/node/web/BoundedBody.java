package io.basalt.node.web;

import java.util.Arrays;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/**
 * Reads a request body into memory, refusing one larger than a limit. A refused body is still read and thrown away
 * (up to {@link #DISCARD_CAP} bytes) before the answer: answering while the sender is still writing and then closing
 * the connection makes the kernel reset it, and the sender sees a broken connection instead of the 413 it must not
 * retry.
 */
public final class BoundedBody {

    /** Past this many bytes of a refused body the connection is dropped rather than drained. */
    static final long DISCARD_CAP = 64L << 20;

    private BoundedBody() {
    }

    /**
     * @return the body bytes (empty array for no body), or {@link PayloadTooLargeException} when the declared length
     *         or the bytes received exceed {@code maxBytes}; nothing beyond {@code maxBytes} is kept in memory
     */
    public static Mono<byte[]> read(ServerHttpRequest request, long maxBytes) {
        long declared = request.getHeaders().getContentLength();
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        Mono<Accumulator> body = request.getBody()
            .collect(() -> new Accumulator(limit, declared), Accumulator::add)
            .doOnDiscard(DataBuffer.class, DataBufferUtils::release);
        return body.flatMap(acc -> acc.received > maxBytes || declared > maxBytes
                ? Mono.error(tooLarge(Math.max(declared, acc.received), maxBytes))
                : Mono.just(acc.bytes()));
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

    /** Keeps bytes up to the limit and only counts the rest. */
    private static final class Accumulator {

        private final int limit;

        private byte[] buf;

        private long received;

        Accumulator(int limit, long declared) {
            this.limit = limit;
            this.buf = new byte[declared > 0 && declared <= limit ? (int) declared : Math.min(limit, 8192)];
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
                        buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max(received + n, 2L * buf.length)));
                    }
                    chunk.read(buf, (int) received, n);
                }
                else {
                    buf = null;
                }
                received += n;
            }
            finally {
                DataBufferUtils.release(chunk);
            }
        }

        byte[] bytes() {
            return buf.length == received ? buf : Arrays.copyOf(buf, (int) received);
        }
    }
}
