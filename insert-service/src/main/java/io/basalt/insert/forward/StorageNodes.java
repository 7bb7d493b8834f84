package io.basalt.insert.forward;

import io.basalt.insert.config.InsertProperties;
import io.basalt.node.membership.StorageNodeList;
import io.basalt.node.membership.StorageNodeListSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The storage nodes this insert node writes to, and the current {@link Placement} over them. The list comes from
 * {@code basalt.insert.storage-nodes-file} when set, re-read every {@code storage-nodes-check-interval} so that nodes
 * can be added, drained and removed without a restart; otherwise from discovery under the service id {@code storage},
 * fixed at start. Every node ever listed keeps its index, so writes in flight during a change, and copies owed to a
 * node, still name the right node. Addresses define placement, so every insert node must be given the same list.
 */
@Component
public class StorageNodes implements DisposableBean {

    public static final String SERVICE_ID = "storage";

    private static final Logger log = LoggerFactory.getLogger(StorageNodes.class);

    private final List<StorageNode> known = new CopyOnWriteArrayList<>();

    private final WebClient.Builder webClients;

    private final MeterRegistry registry;

    private final int replicationFactor;

    private final StorageNodeListSource source;

    private final Counter reloads;

    private final Counter reloadErrors;

    private volatile Placement current;

    public StorageNodes(DiscoveryClient discovery, WebClient.Builder webClients, InsertProperties props,
            MeterRegistry registry) {
        this.webClients = webClients;
        this.registry = registry;
        this.replicationFactor = props.getReplicationFactor();
        this.reloads = Counter.builder("basalt_insert_storage_nodes_reloads")
            .description("Changes of the storage node list applied from the node-list file")
            .register(registry);
        this.reloadErrors = Counter.builder("basalt_insert_storage_nodes_reload_errors")
            .description("Checks of the node-list file that found a change it could not apply (unreadable, invalid, "
                    + "too few nodes); the old list stays")
            .register(registry);
        this.source = new StorageNodeListSource(props.getStorageNodesFile(), props.getStorageNodesCheckInterval(),
                () -> discovery.getInstances(SERVICE_ID).stream().map(i -> i.getUri().toString()).toList(),
                "basalt.insert.storage-nodes-file", this::reload, reloadErrors);
    }

    /** The placement new writes use; a write takes it once and keeps it to the end. */
    public Placement current() {
        return current;
    }

    /** The node with index {@code index}: any node listed since start, whether still listed or not. */
    public StorageNode get(int index) {
        return known.get(index);
    }

    /** Every node listed since start, by index. */
    public List<StorageNode> known() {
        return List.copyOf(known);
    }

    /** The nodes of the current list, draining ones included. */
    public List<StorageNode> all() {
        List<StorageNode> out = new ArrayList<>();
        for (int i : current.listed()) {
            out.add(known.get(i));
        }
        return out;
    }

    /**
     * Makes {@code list} the current one.
     *
     * @throws IllegalArgumentException when fewer nodes than the replication factor would take new copies
     */
    public synchronized void apply(StorageNodeList list) {
        List<String> placement = list.placementUrls();
        if (placement.size() < replicationFactor) {
            throw new IllegalArgumentException("basalt.insert.replication-factor=" + replicationFactor
                    + " needs at least that many storage nodes that are not draining, but the list has "
                    + placement.size() + ": " + list.urls());
        }
        List<String> urls = list.urls();
        int[] listed = new int[urls.size()];
        for (int i = 0; i < listed.length; i++) {
            listed[i] = indexOf(urls.get(i));
        }
        int[] placed = new int[placement.size()];
        for (int i = 0; i < placed.length; i++) {
            placed[i] = indexOf(placement.get(i));
        }
        Placement before = current;
        current = new Placement(list, listed, placed);
        if (before != null) {
            log.info("storage node list changed: {} (was {})", describe(list), describe(before.list()));
        }
    }

    /** Where the list comes from and what it is now, for {@code /api/v1/status}. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", source.describe());
        out.put("nodes", current.list().urls());
        out.put("draining", current.list().members().stream().filter(StorageNodeList.Member::draining)
            .map(StorageNodeList.Member::url).toList());
        out.put("reloadsTotal", (long) reloads.count());
        out.put("lastReloadError", source.lastError());
        return out;
    }

    @Override
    public void destroy() throws Exception {
        source.close();
    }

    private void reload(StorageNodeList list) {
        boolean first = current == null;
        apply(list);
        if (!first) {
            reloads.increment();
        }
    }

    private int indexOf(String url) {
        for (int i = 0; i < known.size(); i++) {
            if (known.get(i).url().equals(url)) {
                return i;
            }
        }
        Timer latency = Timer.builder("basalt_insert_storage_request_duration")
            .description("Latency of insert requests to each storage node")
            .tag("node", url)
            .publishPercentileHistogram()
            .register(registry);
        Counter errors = Counter.builder("basalt_insert_storage_errors")
            .description("Failed insert requests per storage node (connection errors, timeouts, 5xx, 429, 4xx)")
            .tag("node", url)
            .register(registry);
        known.add(new StorageNode(url, webClients.clone().baseUrl(url).build(), latency, errors));
        return known.size() - 1;
    }

    private static String describe(StorageNodeList list) {
        return list.members().stream().map(m -> m.url() + (m.draining() ? " (draining)" : "")).toList().toString();
    }
}
