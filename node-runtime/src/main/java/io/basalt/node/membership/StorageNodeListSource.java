package io.basalt.node.membership;

import io.micrometer.core.instrument.Counter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an insert or select node gets its storage node list: the node-list file when one is configured, applied at
 * start and again on every change; otherwise the discovery list, applied once. A change the node refuses (or cannot
 * read) leaves the old list in use, is logged once, counted each time it is checked, and shown in the status.
 */
public final class StorageNodeListSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StorageNodeListSource.class);

    private final StorageNodeListFile file;

    private final AutoCloseable watch;

    private final Counter refusals;

    private volatile String lastError;

    /**
     * Applies the first list before returning (a failure there stops the node).
     *
     * @param file the node-list file, or null to use {@code discovery}
     * @param fileProperty the property that names the file, for the error when neither is configured
     * @param apply takes each list; throws to refuse one
     * @param refusals counts checks that found a change that could not be applied
     */
    public StorageNodeListSource(String file, Duration checkEvery, Supplier<List<String>> discovery,
            String fileProperty, Consumer<StorageNodeList> apply, Counter refusals) {
        this.refusals = refusals;
        if (file != null) {
            this.file = new StorageNodeListFile(Path.of(file));
            apply.accept(this.file.read());
            this.watch = this.file.watch(checkEvery, list -> {
                apply.accept(list);
                lastError = null;
            }, this::refused);
        }
        else {
            this.file = null;
            this.watch = () -> { };
            List<String> urls = discovery.get();
            if (urls.isEmpty()) {
                throw new IllegalStateException("no storage nodes configured: set "
                        + "spring.cloud.discovery.client.simple.instances.storage[0].uri (one entry per storage node)"
                        + " or " + fileProperty);
            }
            apply.accept(StorageNodeList.of(urls));
        }
    }

    /** The file, or that the list is discovery's, fixed at start. */
    public String describe() {
        return file != null ? file.path().toString() : "discovery (fixed at start)";
    }

    /** Why the last change of the file was not applied; null once a change is. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() throws Exception {
        watch.close();
    }

    private void refused(String error) {
        refusals.increment();
        if (!String.valueOf(error).equals(lastError)) {
            log.error("storage node list not changed: {}", error);
        }
        lastError = error;
    }
}
