package io.basalt.storage.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ResponseStatusException;

/**
 * The time a select node still waits for an answer, sent as {@value #HEADER} (milliseconds, relative so that clocks
 * need not agree). Past it nobody reads the answer, so scanning stops instead of wasting the node's capacity.
 */
final class QueryDeadline {

    static final String HEADER = "X-Basalt-Timeout-Ms";

    static final QueryDeadline NONE = new QueryDeadline(Long.MAX_VALUE);

    private final long deadlineNanos;

    private QueryDeadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    static QueryDeadline of(ServerHttpRequest request) {
        String ms = request.getHeaders().getFirst(HEADER);
        if (ms == null) {
            return NONE;
        }
        try {
            return new QueryDeadline(System.nanoTime() + Math.max(0, Long.parseLong(ms.trim())) * 1_000_000L);
        }
        catch (NumberFormatException e) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, HEADER + " must be milliseconds: " + ms);
        }
    }

    boolean exceeded() {
        return deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0;
    }

    /** @throws Exceeded once the caller has stopped waiting */
    void check() {
        if (exceeded()) {
            throw new Exceeded();
        }
    }

    /** Answered 503: the select node has already given up on this request. */
    static final class Exceeded extends ResponseStatusException {

        Exceeded() {
            super(HttpStatus.SERVICE_UNAVAILABLE, "query deadline (" + HEADER + ") exceeded; scan stopped");
        }
    }
}
