package io.basalt.insert.forward;

import io.basalt.insert.config.InsertProperties;
import io.basalt.insert.shard.RendezvousRouter;
import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The storage nodes that discovery lists under the service id {@code storage}, in the order listed, and the router
 * over them. Order and addresses define placement, so every insert node must be given the same list.
 */
@Component
public class StorageNodes {

    public static final String SERVICE_ID = "storage";

    private final List<StorageNode> nodes;

    private final RendezvousRouter router;

    public StorageNodes(DiscoveryClient discovery, WebClient.Builder webClients, InsertProperties props) {
        List<ServiceInstance> instances = discovery.getInstances(SERVICE_ID);
        if (instances.isEmpty()) {
            throw new IllegalStateException("no storage nodes configured: set "
                    + "spring.cloud.discovery.client.simple.instances.storage[0].uri (one entry per storage node)");
        }
        if (instances.size() < props.getReplicationFactor()) {
            throw new IllegalStateException("basalt.insert.replication-factor=" + props.getReplicationFactor()
                    + " needs at least that many storage nodes, but " + instances.size() + " are configured");
        }
        this.nodes = instances.stream()
            .map(i -> i.getUri().toString().replaceAll("/+$", ""))
            .map(url -> new StorageNode(url, webClients.clone().baseUrl(url).build()))
            .toList();
        this.router = new RendezvousRouter(nodes.stream().map(StorageNode::url).toList());
    }

    public List<StorageNode> all() {
        return nodes;
    }

    public StorageNode get(int index) {
        return nodes.get(index);
    }

    public RendezvousRouter router() {
        return router;
    }
}
