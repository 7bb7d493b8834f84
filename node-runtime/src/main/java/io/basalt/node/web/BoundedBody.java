package io.basalt.node.web;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import reactor.core.publisher.Mono;

/** Reads a request body into memory, refusing one larger than a limit before or while it arrives. */
public final class BoundedBody {

    private BoundedBody() {
    }

    /**
     * @return the body bytes (empty array for no body), or {@link PayloadTooLargeException} as soon as the declared
     *         length or the bytes received exceed {@code maxBytes}
     */
    public static Mono<byte[]> read(ServerHttpRequest request, long maxBytes) {
        long declared = request.getHeaders().getContentLength();
        if (declared > maxBytes) {
            return Mono.error(tooLarge(declared, maxBytes));
        }
        int limit = (int) Math.min(Integer.MAX_VALUE - 8, maxBytes);
        return DataBufferUtils.join(request.getBody(), limit)
            .map(BoundedBody::drain)
            .defaultIfEmpty(new byte[0])
            .onErrorMap(DataBufferLimitException.class, e -> tooLarge(-1, maxBytes));
    }

    private static byte[] drain(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        }
        finally {
            DataBufferUtils.release(buffer);
        }
    }

    private static PayloadTooLargeException tooLarge(long size, long max) {
        return new PayloadTooLargeException("request body " + (size >= 0 ? "of " + size + " bytes " : "")
                + "exceeds the limit of " + max + " bytes");
    }
}
