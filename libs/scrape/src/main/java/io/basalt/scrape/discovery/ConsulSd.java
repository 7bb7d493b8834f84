package io.basalt.scrape.discovery;

import io.basalt.model.Labels;
import io.basalt.scrape.config.ConsulSdConfig;
import io.basalt.scrape.config.TargetGroup;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;

/**
 * {@code consul_sd_configs}: every instance of the selected services in Consul's catalog, through its HTTP API
 * ({@code /v1/catalog/services}, then {@code /v1/health/service/<name>} per service), labelled as Prometheus labels
 * them. Each refresh polls; Consul's blocking queries are not used.
 */
public final class ConsulSd implements Supplier<List<TargetGroup>> {

    private final ConsulSdConfig config;

    private final DiscoveryHttpClient http;

    private final String base;

    public ConsulSd(ConsulSdConfig config) {
        this.config = config;
        this.http = new DiscoveryHttpClient(config.http(), Discoveries.requestTimeout(config.refreshInterval()));
        String prefix = config.pathPrefix() == null ? "" : "/" + config.pathPrefix().replaceAll("^/+|/+$", "");
        this.base = config.scheme() + "://" + config.server() + prefix;
    }

    @Override
    public List<TargetGroup> get() {
        String datacenter = config.datacenter() != null ? config.datacenter() : agentDatacenter();
        List<TargetGroup> out = new ArrayList<>();
        for (String service : services(datacenter)) {
            JsonNode entries = getJson("/v1/health/service/" + encode(service), datacenter, true);
            int i = 0;
            for (JsonNode entry : entries) {
                out.add(instance(service, datacenter, entry, i++));
            }
        }
        return out;
    }

    /** The configured services, or every service that carries all configured tags. */
    private List<String> services(String datacenter) {
        if (!config.services().isEmpty()) {
            return config.services();
        }
        JsonNode catalog = getJson("/v1/catalog/services", datacenter, false);
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> service : catalog.properties()) {
            Set<String> tags = new HashSet<>();
            service.getValue().forEach(t -> tags.add(t.asString()));
            if (tags.containsAll(config.tags())) {
                out.add(service.getKey());
            }
        }
        out.sort(null);
        return out;
    }

    private TargetGroup instance(String service, String datacenter, JsonNode entry, int index) {
        JsonNode node = entry.path("Node");
        JsonNode svc = entry.path("Service");
        String port = Integer.toString(svc.path("Port").asInt());
        String serviceAddress = svc.path("Address").asString("");
        String host = serviceAddress.isEmpty() ? node.path("Address").asString("") : serviceAddress;
        String sep = config.tagSeparator();
        StringBuilder tags = new StringBuilder(sep);
        svc.path("Tags").forEach(t -> tags.append(t.asString()).append(sep));
        Map<String, String> labels = new TreeMap<>();
        labels.put("__meta_consul_service", service);
        labels.put("__meta_consul_dc", datacenter);
        labels.put("__meta_consul_address", node.path("Address").asString(""));
        labels.put("__meta_consul_node", node.path("Node").asString(""));
        labels.put("__meta_consul_namespace", svc.path("Namespace").asString(""));
        labels.put("__meta_consul_partition", svc.path("Partition").asString(""));
        labels.put("__meta_consul_tags", tags.toString());
        labels.put("__meta_consul_service_address", serviceAddress);
        labels.put("__meta_consul_service_port", port);
        labels.put("__meta_consul_service_id", svc.path("ID").asString(""));
        labels.put("__meta_consul_health", health(entry.path("Checks")));
        putAll(labels, "__meta_consul_metadata_", node.path("Meta"));
        putAll(labels, "__meta_consul_service_metadata_", svc.path("Meta"));
        putAll(labels, "__meta_consul_tagged_address_", node.path("TaggedAddresses"));
        String address = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        return new TargetGroup(List.of(address), Labels.fromMap(labels), service + ":" + index);
    }

    private static void putAll(Map<String, String> labels, String prefix, JsonNode object) {
        for (Map.Entry<String, JsonNode> e : object.properties()) {
            labels.put(prefix + MetaLabels.sanitize(e.getKey()), e.getValue().asString(""));
        }
    }

    /** Consul's aggregate of a service's checks: maintenance, then critical, then warning, else passing. */
    static String health(JsonNode checks) {
        boolean critical = false;
        boolean warning = false;
        for (JsonNode check : checks) {
            String id = check.path("CheckID").asString("");
            if (id.equals("_node_maintenance") || id.startsWith("_service_maintenance:")) {
                return "maintenance";
            }
            switch (check.path("Status").asString("")) {
                case "critical" -> critical = true;
                case "warning" -> warning = true;
                default -> {
                }
            }
        }
        return critical ? "critical" : warning ? "warning" : "passing";
    }

    /** The datacenter of the Consul agent asked, for a config that names none, as Prometheus learns it. */
    private String agentDatacenter() {
        JsonNode self = getJson("/v1/agent/self", null, false);
        String dc = self.path("Config").path("Datacenter").asString("");
        if (dc.isEmpty()) {
            throw new DiscoveryException(base + "/v1/agent/self: no Config.Datacenter in the answer");
        }
        return dc;
    }

    private JsonNode getJson(String path, String datacenter, boolean withTags) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (datacenter != null) {
            query.put("dc", List.of(datacenter));
        }
        if (config.allowStale()) {
            query.put("stale", List.of(""));
        }
        if (config.namespace() != null) {
            query.put("ns", List.of(config.namespace()));
        }
        if (config.partition() != null) {
            query.put("partition", List.of(config.partition()));
        }
        List<String> meta = new ArrayList<>();
        config.nodeMeta().forEach((k, v) -> meta.add(k + ":" + v));
        if (!meta.isEmpty()) {
            query.put("node-meta", meta);
        }
        if (withTags && !config.tags().isEmpty()) {
            query.put("tag", config.tags());
        }
        StringBuilder url = new StringBuilder(base).append(path);
        char sep = '?';
        for (Map.Entry<String, List<String>> q : query.entrySet()) {
            for (String v : q.getValue()) {
                url.append(sep).append(q.getKey());
                if (!v.isEmpty()) {
                    url.append('=').append(encode(v));
                }
                sep = '&';
            }
        }
        Map<String, String> headers = config.token() == null ? Map.of("Accept", "application/json")
                : Map.of("Accept", "application/json", "X-Consul-Token", config.token().value());
        return http.json(URI.create(url.toString()), headers);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
