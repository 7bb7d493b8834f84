package io.basalt.select.fanout;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Storage nodes that could not be reached lately. Each query would otherwise wait for the connect timeout of a node
 * that is gone (a stopped container's address may not even refuse the connection); skipping it for a while lets the
 * answer come from the replicas at once. A node that is merely slow is not skipped: slowness is the query's business.
 */
final class NodeBackoff {

    private final long backoffNanos;

    private final LongSupplier nanoTime;

    private final Map<String, Long> downUntil = new ConcurrentHashMap<>();

    NodeBackoff(Duration backoff, LongSupplier nanoTime) {
        this.backoffNanos = backoff.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether the node failed to connect less than the back-off ago. */
    boolean skips(String url) {
        Long until = downUntil.get(url);
        return until != null && nanoTime.getAsLong() - until < 0;
    }

    void record(String url, Throwable error) {
        if (error == null) {
            downUntil.remove(url);
        }
        else if (backoffNanos > 0 && unreachable(error)) {
            downUntil.put(url, nanoTime.getAsLong() + backoffNanos);
        }
    }

    private static boolean unreachable(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            // Netty's connect timeout is a ConnectException too.
            if (e instanceof ConnectException || e instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }
}
