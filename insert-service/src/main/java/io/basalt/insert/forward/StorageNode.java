package io.basalt.insert.forward;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.springframework.web.reactive.function.client.WebClient;

/** One storage node as this insert node sees it: where it is and whether it is currently left out. */
public final class StorageNode {

    private final String url;

    private final WebClient client;

    private final AtomicLong excludedUntil = new AtomicLong();

    private final AtomicReference<String> lastError = new AtomicReference<>();

    StorageNode(String url, WebClient client) {
        this.url = url;
        this.client = client;
    }

    public String url() {
        return url;
    }

    WebClient client() {
        return client;
    }

    public boolean isHealthy(long nowMillis) {
        return nowMillis >= excludedUntil.get();
    }

    public String lastError() {
        return lastError.get();
    }

    void markFailed(String reason, long nowMillis, long backoffMillis) {
        lastError.set(reason);
        excludedUntil.set(nowMillis + backoffMillis);
    }

    void markHealthy() {
        lastError.set(null);
    }
}
