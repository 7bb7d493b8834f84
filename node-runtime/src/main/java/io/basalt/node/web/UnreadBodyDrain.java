package io.basalt.node.web;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads and throws away a request body that the handler answered without reading (413 from its declared length,
 * 503 while busy, 415). Closing a connection with unread bytes in its receive buffer makes the kernel reset it, and
 * a sender still writing a large body then sees "connection reset" instead of the status it must act on. Bodies
 * beyond {@link BoundedBody#DISCARD_CAP} are not drained; that connection is simply dropped.
 */
public class UnreadBodyDrain implements WebFilter, Ordered {

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        boolean hasBody = headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
        if (!hasBody) {
            return chain.filter(exchange);
        }
        AtomicBoolean read = new AtomicBoolean();
        ServerHttpRequest tracked = new ServerHttpRequestDecorator(exchange.getRequest()) {
            @Override
            public Flux<DataBuffer> getBody() {
                return super.getBody().doOnSubscribe(s -> read.set(true));
            }
        };
        return chain.filter(exchange.mutate().request(tracked).build())
            .then(Mono.defer(() -> read.get() ? Mono.empty() : discard(exchange.getRequest())));
    }

    private static Mono<Void> discard(ServerHttpRequest request) {
        AtomicLong seen = new AtomicLong();
        return request.getBody()
            .map(UnreadBodyDrain::releaseCounting)
            .takeWhile(n -> seen.addAndGet(n) <= BoundedBody.DISCARD_CAP)
            .then()
            .onErrorComplete();
    }

    private static int releaseCounting(DataBuffer buffer) {
        int n = buffer.readableByteCount();
        DataBufferUtils.release(buffer);
        return n;
    }
}
