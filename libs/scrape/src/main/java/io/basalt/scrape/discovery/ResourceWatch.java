package io.basalt.scrape.discovery;

import io.basalt.scrape.config.KubernetesSdConfig;
import io.basalt.scrape.http.RetryBackoff;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;

/**
 * The objects of one Kubernetes resource (in one namespace, or all), kept current the way client-go's reflector does:
 * list them (noting the list's resourceVersion), then watch from that version, applying each ADDED, MODIFIED and
 * DELETED event and moving the version on with every event and BOOKMARK. A broken stream is watched again from the
 * last version after a back-off; a version the server no longer has (410 Gone) means a fresh list; and every
 * {@link Timing#resync} the objects are listed again in full. Runs on a thread of its own until closed.
 */
final class ResourceWatch implements AutoCloseable {

    private static final System.Logger log = System.getLogger(ResourceWatch.class.getName());

    /**
     * Ends watch streams whose server went silent; the watches' own threads are blocked reading them. The JDK's
     * response stream ignores a mere interrupt while it waits for data, so the stream is closed first and the
     * interrupt wakes the reader to notice.
     */
    private static final ScheduledExecutorService STALL_GUARD = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kubernetes-sd-stall-guard");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param resync     how often the objects are listed again in full
     * @param minBackoff the first wait after a failure, doubled on each further one
     * @param maxBackoff the longest wait
     * @param stallGrace a stream still open this long after the server was asked to end it (at the resync) is taken
     *                   for dead, as a half-open connection would be
     */
    record Timing(Duration resync, Duration minBackoff, Duration maxBackoff, Duration stallGrace) {

        static final Timing DEFAULT = new Timing(KubernetesSdConfig.RESYNC_INTERVAL, Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    /** Told about every list or watch attempt and every change to the objects; called on the watch's thread. */
    interface Listener {

        void attempted(boolean success, String error);

        void changed();
    }

    /** The server no longer has the version asked for: only a new list helps. */
    private static final class Gone extends RuntimeException {

        Gone() {
            super(null, null, false, false);
        }
    }

    /** Objects per list request, as client-go's reflector asks for them. */
    static final int PAGE_SIZE = 500;

    private final KubernetesApi api;

    private final String path;

    private final String selectorQuery;

    private final Timing timing;

    private final Listener listener;

    private final Map<String, JsonNode> objects = new ConcurrentHashMap<>();

    private final CountDownLatch firstList = new CountDownLatch(1);

    private final Thread thread;

    private volatile boolean closed;

    /** The watch stream being read, closed from outside to end it. */
    private volatile InputStream stream;

    private String resourceVersion;

    private final Object stallLock = new Object();

    private boolean guarded;

    private boolean stalled;

    /**
     * @param path          the collection, e.g. {@code /api/v1/namespaces/shop/pods}
     * @param selectorQuery {@code labelSelector=...&fieldSelector=...}, or {@code ""}
     */
    ResourceWatch(KubernetesApi api, String path, String selectorQuery, Timing timing, Listener listener) {
        this.api = api;
        this.path = path;
        this.selectorQuery = selectorQuery;
        this.timing = timing;
        this.listener = listener;
        this.thread = new Thread(this::run, "kubernetes-sd " + path);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Waits until the first list has succeeded or failed, at most {@code bound}. */
    void awaitFirstList(Duration bound) throws InterruptedException {
        firstList.await(bound.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The object named {@code namespace/name} (or {@code /name} when cluster-wide), or {@code null}. */
    JsonNode get(String key) {
        return objects.get(key);
    }

    /** The objects now known, by {@code namespace/name}. */
    Map<String, JsonNode> objects() {
        return Map.copyOf(objects);
    }

    @Override
    public void close() {
        closed = true;
        end(stream);
        thread.interrupt();
    }

    private static void end(InputStream in) {
        if (in != null) {
            try {
                in.close();
            }
            catch (IOException e) {
                // Closing is all that was wanted; the reader sees the stream end either way.
            }
        }
    }

    private void run() {
        RetryBackoff backoff = new RetryBackoff(timing.minBackoff(), timing.maxBackoff());
        long resyncAt = 0;
        while (!closed) {
            try {
                if (resourceVersion == null || System.nanoTime() - resyncAt >= 0) {
                    list();
                    resyncAt = System.nanoTime() + timing.resync().toNanos();
                    backoff.reset();
                }
                if (watch(resyncAt)) {
                    backoff.reset();
                    continue;
                }
                // The server ended the stream at once without a word: wait rather than spin.
            }
            catch (Gone e) {
                log.log(System.Logger.Level.INFO, "{0}: resource version {1} is gone, listing again", path,
                        resourceVersion);
                resourceVersion = null;
                continue;
            }
            catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                log.log(System.Logger.Level.WARNING, error);
                listener.attempted(false, error);
                firstList.countDown();
            }
            try {
                Thread.sleep(backoff.nextMillis());
            }
            catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /**
     * Lists every object, a page at a time as client-go does, so that a large cluster's answer neither arrives as one
     * huge body nor holds the API server's memory; all pages share the first one's snapshot.
     */
    private void list() {
        Map<String, JsonNode> fresh = new HashMap<>();
        String next = "";
        JsonNode answer;
        do {
            String query = (selectorQuery.isEmpty() ? "" : selectorQuery + "&") + "limit=" + PAGE_SIZE
                    + (next.isEmpty() ? "" : "&continue=" + KubernetesSd.encode(next));
            answer = api.list(path + "?" + query);
            for (JsonNode item : answer.path("items")) {
                fresh.put(key(item), item);
            }
            next = answer.path("metadata").path("continue").asString("");
        }
        while (!next.isEmpty() && !closed);
        objects.keySet().retainAll(fresh.keySet());
        objects.putAll(fresh);
        resourceVersion = answer.path("metadata").path("resourceVersion").asString("");
        listener.changed();
        listener.attempted(true, "");
        firstList.countDown();
    }

    /**
     * Follows one watch stream until the server ends it, the resync is due or it breaks.
     *
     * @return whether the stream carried any event (a stream that ends empty at once is retried after a back-off)
     * @throws Gone              when the version is too old
     * @throws DiscoveryException when the stream cannot be opened or breaks
     */
    private boolean watch(long resyncAt) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(resyncAt - System.nanoTime()));
        String query = "watch=1&allowWatchBookmarks=true&resourceVersion=" + KubernetesSd.encode(resourceVersion)
                + "&timeoutSeconds=" + seconds + (selectorQuery.isEmpty() ? "" : "&" + selectorQuery);
        HttpResponse<InputStream> response = api.watch(path + "?" + query);
        boolean any = false;
        stream = response.body();
        if (closed) {
            end(stream);
        }
        ScheduledFuture<?> guard = guard(TimeUnit.SECONDS.toMillis(seconds) + timing.stallGrace().toMillis());
        try (InputStream in = response.body()) {
            if (response.statusCode() == 410) {
                throw new Gone();
            }
            if (response.statusCode() != 200) {
                throw new DiscoveryException(path + ": watch: server returned HTTP status " + response.statusCode());
            }
            listener.attempted(true, "");
            try (MappingIterator<JsonNode> events = DiscoveryHttpClient.JSON.readerFor(JsonNode.class)
                    .readValues(in)) {
                while (events.hasNextValue()) {
                    apply(events.nextValue());
                    any = true;
                }
            }
            return any;
        }
        catch (IOException | JacksonException e) {
            if (unguard(guard)) {
                log.log(System.Logger.Level.WARNING, "{0}: watch stream silent past its deadline, listing again",
                        path);
                return any;
            }
            if (closed) {
                throw new DiscoveryException(path + ": closed");
            }
            throw new DiscoveryException(path + ": watch stream broken after resource version " + resourceVersion
                    + ": " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        }
        finally {
            unguard(guard);
            stream = null;
        }
    }

    private void apply(JsonNode event) {
        String type = event.path("type").asString("");
        JsonNode object = event.path("object");
        switch (type) {
            case "ADDED", "MODIFIED" -> {
                objects.put(key(object), object);
                listener.changed();
            }
            case "DELETED" -> {
                objects.remove(key(object));
                listener.changed();
            }
            case "BOOKMARK" -> {
                // Only the version moves on, so a re-watch need not replay what was already seen.
            }
            case "ERROR" -> {
                if (object.path("code").asInt() == 410) {
                    throw new Gone();
                }
                throw new DiscoveryException(path + ": watch error " + object.path("code").asInt() + ": "
                        + object.path("message").asString(""));
            }
            default -> throw new DiscoveryException(path + ": unknown watch event type \"" + type + "\"");
        }
        String version = object.path("metadata").path("resourceVersion").asString("");
        if (!version.isEmpty()) {
            resourceVersion = version;
        }
    }

    /** Arms an interrupt of this thread after {@code millis}, for a stream that stops talking without closing. */
    private ScheduledFuture<?> guard(long millis) {
        synchronized (stallLock) {
            guarded = true;
            stalled = false;
        }
        return STALL_GUARD.schedule(() -> {
            synchronized (stallLock) {
                if (guarded) {
                    guarded = false;
                    stalled = true;
                    end(stream);
                    thread.interrupt();
                }
            }
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Disarms the guard; returns whether it fired, clearing the interrupt it caused. */
    private boolean unguard(ScheduledFuture<?> guard) {
        guard.cancel(false);
        boolean fired;
        synchronized (stallLock) {
            guarded = false;
            fired = stalled;
            stalled = false;
        }
        if (fired && !closed) {
            Thread.interrupted();
        }
        return fired;
    }

    private static String key(JsonNode object) {
        JsonNode meta = object.path("metadata");
        return meta.path("namespace").asString("") + "/" + meta.path("name").asString("");
    }
}
