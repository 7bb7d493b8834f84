package io.basalt.node.membership;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A node-list file, read at start and then polled: small enough to read whole, and reading it rather than watching
 * the directory works the same for a file the launcher rewrites, a bind mount in compose and a ConfigMap volume on
 * Kubernetes (whose files are replaced through a symlink swap that file watchers often miss).
 */
public final class StorageNodeListFile {

    private final Path path;

    private String appliedText;

    /** A changed text seen once: applied only when the next check reads it again (see {@link #check}). */
    private String pendingText;

    public StorageNodeListFile(Path path) {
        this.path = path;
    }

    public Path path() {
        return path;
    }

    /**
     * The list as the file holds it now, taken as applied; at start, where a missing or bad file stops the node.
     *
     * @throws IllegalArgumentException when the file is not a valid list
     * @throws UncheckedIOException when it cannot be read
     */
    public synchronized StorageNodeList read() {
        String text = readText();
        StorageNodeList list = StorageNodeList.parse(text, path.toString());
        appliedText = text;
        return list;
    }

    /**
     * Hands a changed list to {@code apply}, which may refuse it by throwing; a change that is unreadable, invalid or
     * refused goes to {@code onError} and is tried again on the next check, the applied list staying. A change is
     * applied only once two checks in a row read the same text, so that a file caught half-written (an editor or
     * {@code cat >} writing in place) is never applied: a half-written line can still be a valid, wrong, URL.
     */
    public synchronized void check(Consumer<StorageNodeList> apply, Consumer<String> onError) {
        try {
            String text = readText();
            if (text.equals(appliedText)) {
                pendingText = null;
                return;
            }
            if (!text.equals(pendingText)) {
                pendingText = text;
                return;
            }
            apply.accept(StorageNodeList.parse(text, path.toString()));
            appliedText = text;
            pendingText = null;
        }
        catch (RuntimeException e) {
            onError.accept(e.getMessage());
        }
    }

    /**
     * Runs {@link #check} every {@code every} on a daemon thread.
     *
     * @return what stops it
     */
    public AutoCloseable watch(Duration every, Consumer<StorageNodeList> apply, Consumer<String> onError) {
        ScheduledExecutorService checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-node-list");
            t.setDaemon(true);
            return t;
        });
        checker.scheduleWithFixedDelay(() -> check(apply, onError), every.toMillis(), every.toMillis(),
                TimeUnit.MILLISECONDS);
        return checker::shutdownNow;
    }

    private String readText() {
        try {
            return Files.readString(path);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read the storage node list " + path + ": " + e, e);
        }
    }
}
