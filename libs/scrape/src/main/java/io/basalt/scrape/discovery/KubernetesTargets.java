package io.basalt.scrape.discovery;

import io.basalt.model.Labels;
import io.basalt.scrape.config.TargetGroup;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;

/** Kubernetes objects as the API server lists them, turned into targets with Prometheus' labels for each role. */
final class KubernetesTargets {

    private KubernetesTargets() {
    }

    static List<TargetGroup> node(JsonNode node) {
        JsonNode meta = node.path("metadata");
        String name = meta.path("name").asString("");
        Map<String, String> labels = new TreeMap<>();
        labels.put("instance", name);
        labels.put("__meta_kubernetes_node_name", name);
        labels.put("__meta_kubernetes_node_provider_id", node.path("spec").path("providerID").asString(""));
        objectMeta(labels, "node", meta);
        Map<String, String> firstByType = new LinkedHashMap<>();
        for (JsonNode a : node.path("status").path("addresses")) {
            firstByType.putIfAbsent(a.path("type").asString(""), a.path("address").asString(""));
        }
        MetaLabels.putAll(labels, "__meta_kubernetes_node_address_", firstByType);
        String host = null;
        for (String type : List.of("InternalIP", "ExternalIP", "LegacyHostIP", "Hostname")) {
            host = host != null ? host : firstByType.get(type);
        }
        if (host == null || host.isEmpty()) {
            return List.of();
        }
        int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(10250);
        return List.of(new TargetGroup(List.of(hostPort(host, port)), Labels.fromMap(labels), "node/" + name));
    }

    static List<TargetGroup> service(JsonNode service) {
        JsonNode meta = service.path("metadata");
        JsonNode spec = service.path("spec");
        String name = meta.path("name").asString("");
        String namespace = meta.path("namespace").asString("");
        String type = spec.path("type").asString("");
        Map<String, String> group = new TreeMap<>();
        group.put("__meta_kubernetes_namespace", namespace);
        group.put("__meta_kubernetes_service_name", name);
        group.put("__meta_kubernetes_service_type", type);
        if (type.equals("ExternalName")) {
            group.put("__meta_kubernetes_service_external_name", spec.path("externalName").asString(""));
        }
        else {
            group.put("__meta_kubernetes_service_cluster_ip", spec.path("clusterIP").asString(""));
        }
        if (type.equals("LoadBalancer")) {
            group.put("__meta_kubernetes_service_loadbalancer_ip", spec.path("loadBalancerIP").asString(""));
        }
        objectMeta(group, "service", meta);
        List<Map<String, String>> targets = new ArrayList<>();
        for (JsonNode port : spec.path("ports")) {
            Map<String, String> t = new TreeMap<>();
            t.put("__address__", name + "." + namespace + ".svc:" + port.path("port").asInt());
            t.put("__meta_kubernetes_service_port_name", port.path("name").asString(""));
            t.put("__meta_kubernetes_service_port_number", Integer.toString(port.path("port").asInt()));
            t.put("__meta_kubernetes_service_port_protocol", port.path("protocol").asString(""));
            targets.add(t);
        }
        return groups(group, targets, "svc/" + namespace + "/" + name);
    }

    static List<TargetGroup> pod(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        String name = meta.path("name").asString("");
        String namespace = meta.path("namespace").asString("");
        String ip = pod.path("status").path("podIP").asString("");
        Map<String, String> group = podLabels(pod);
        group.put("__meta_kubernetes_namespace", namespace);
        if (ip.isEmpty()) {
            // Not scheduled or not yet running: nothing to scrape, as in Prometheus.
            return List.of();
        }
        List<Map<String, String>> targets = new ArrayList<>();
        containers(targets, pod.path("spec").path("initContainers"), ip, true);
        containers(targets, pod.path("spec").path("containers"), ip, false);
        return groups(group, targets, "pod/" + namespace + "/" + name);
    }

    /**
     * An Endpoints object: a target per address and port, ready or not, with its service's labels and, where the
     * address is a pod's, the pod's; then a target for each port of those pods that no endpoint port covers.
     *
     * @param services by {@code namespace/name}
     * @param pods     by {@code namespace/name}
     */
    static List<TargetGroup> endpoints(JsonNode endpoints, Function<String, JsonNode> services,
            Function<String, JsonNode> pods) {
        JsonNode meta = endpoints.path("metadata");
        String name = meta.path("name").asString("");
        String namespace = meta.path("namespace").asString("");
        Map<String, String> group = new TreeMap<>();
        group.put("__meta_kubernetes_namespace", namespace);
        serviceLabels(group, services.apply(namespace + "/" + name));
        group.put("__meta_kubernetes_endpoints_name", name);
        objectMeta(group, "endpoints", meta);
        List<Map<String, String>> targets = new ArrayList<>();
        SeenPods seen = new SeenPods();
        for (JsonNode subset : endpoints.path("subsets")) {
            for (JsonNode port : subset.path("ports")) {
                for (String section : List.of("addresses", "notReadyAddresses")) {
                    for (JsonNode address : subset.path(section)) {
                        targets.add(endpointsTarget(address, port, section.equals("addresses"), pods, seen));
                    }
                }
            }
        }
        seen.uncoveredPorts(targets, false);
        return groups(group, targets, "endpoints/" + namespace + "/" + name);
    }

    private static Map<String, String> endpointsTarget(JsonNode address, JsonNode port, boolean ready,
            Function<String, JsonNode> pods, SeenPods seen) {
        int number = port.path("port").asInt();
        Map<String, String> t = new TreeMap<>();
        t.put("__address__", hostPort(address.path("ip").asString(""), number));
        t.put("__meta_kubernetes_endpoint_port_name", port.path("name").asString(""));
        t.put("__meta_kubernetes_endpoint_port_protocol", port.path("protocol").asString(""));
        t.put("__meta_kubernetes_endpoint_ready", Boolean.toString(ready));
        JsonNode ref = address.path("targetRef");
        if (ref.isObject()) {
            t.put("__meta_kubernetes_endpoint_address_target_kind", ref.path("kind").asString(""));
            t.put("__meta_kubernetes_endpoint_address_target_name", ref.path("name").asString(""));
        }
        putIfPresent(t, "__meta_kubernetes_endpoint_node_name", address.path("nodeName"));
        putIfNotEmpty(t, "__meta_kubernetes_endpoint_hostname", address.path("hostname"));
        JsonNode pod = podOf(ref, pods);
        if (pod != null) {
            t.putAll(podLabels(pod));
            JsonNode container = seen.portUsed(pod, number, false);
            if (container != null) {
                // Here Prometheus takes the protocol from the endpoint's port, not the container's.
                containerPortLabels(t, container, seen.lastPort, port.path("protocol").asString(""));
            }
        }
        return t;
    }

    /**
     * An EndpointSlice (discovery.k8s.io/v1): a target per endpoint address and port, with its service's labels (the
     * service named by its {@code kubernetes.io/service-name} label) and its pod's, then the pods' uncovered ports.
     */
    static List<TargetGroup> endpointSlice(JsonNode slice, Function<String, JsonNode> services,
            Function<String, JsonNode> pods) {
        JsonNode meta = slice.path("metadata");
        String name = meta.path("name").asString("");
        String namespace = meta.path("namespace").asString("");
        Map<String, String> group = new TreeMap<>();
        group.put("__meta_kubernetes_namespace", namespace);
        group.put("__meta_kubernetes_endpointslice_address_type", slice.path("addressType").asString(""));
        group.put("__meta_kubernetes_endpointslice_name", name);
        objectMeta(group, "endpointslice", meta);
        JsonNode serviceName = meta.path("labels").path("kubernetes.io/service-name");
        if (serviceName.isString()) {
            serviceLabels(group, services.apply(namespace + "/" + serviceName.asString()));
        }
        List<Map<String, String>> targets = new ArrayList<>();
        SeenPods seen = new SeenPods();
        for (JsonNode endpoint : slice.path("endpoints")) {
            for (JsonNode port : slice.path("ports")) {
                for (JsonNode address : endpoint.path("addresses")) {
                    targets.add(endpointSliceTarget(address.asString(""), endpoint, port, pods, seen));
                }
            }
        }
        seen.uncoveredPorts(targets, true);
        return groups(group, targets, "endpointslice/" + namespace + "/" + name);
    }

    private static Map<String, String> endpointSliceTarget(String address, JsonNode endpoint, JsonNode port,
            Function<String, JsonNode> pods, SeenPods seen) {
        String prefix = "__meta_kubernetes_endpointslice_";
        JsonNode number = port.path("port");
        Map<String, String> t = new TreeMap<>();
        t.put("__address__", number.isNumber() ? hostPort(address, number.asInt()) : address);
        putIfPresent(t, prefix + "port_name", port.path("name"));
        putIfPresent(t, prefix + "port_protocol", port.path("protocol"));
        putIfPresent(t, prefix + "port", number);
        putIfPresent(t, prefix + "port_app_protocol", port.path("appProtocol"));
        JsonNode conditions = endpoint.path("conditions");
        putIfPresent(t, prefix + "endpoint_conditions_ready", conditions.path("ready"));
        putIfPresent(t, prefix + "endpoint_conditions_serving", conditions.path("serving"));
        putIfPresent(t, prefix + "endpoint_conditions_terminating", conditions.path("terminating"));
        putIfPresent(t, prefix + "endpoint_hostname", endpoint.path("hostname"));
        JsonNode ref = endpoint.path("targetRef");
        if (ref.isObject()) {
            t.put(prefix + "address_target_kind", ref.path("kind").asString(""));
            t.put(prefix + "address_target_name", ref.path("name").asString(""));
        }
        putIfPresent(t, prefix + "endpoint_node_name", endpoint.path("nodeName"));
        putIfPresent(t, prefix + "endpoint_zone", endpoint.path("zone"));
        for (Map.Entry<String, JsonNode> e : endpoint.path("deprecatedTopology").properties()) {
            String label = MetaLabels.sanitize(e.getKey());
            t.put(prefix + "endpoint_topology_" + label, e.getValue().asString(""));
            t.put(prefix + "endpoint_topology_present_" + label, "true");
        }
        JsonNode pod = podOf(ref, pods);
        if (pod != null) {
            t.putAll(podLabels(pod));
            JsonNode container = null;
            if (number.isNumber()) {
                container = seen.portUsed(pod, number.asInt(), true);
            }
            else {
                seen.add(pod);
            }
            if (container != null) {
                containerPortLabels(t, container, seen.lastPort, seen.lastPort.path("protocol").asString(""));
                t.put("__meta_kubernetes_pod_container_init", Boolean.toString(seen.lastInit));
            }
        }
        return t;
    }

    /** The labels of the container port an endpoint's port lands on. */
    private static void containerPortLabels(Map<String, String> t, JsonNode container, JsonNode port,
            String protocol) {
        t.put("__meta_kubernetes_pod_container_name", container.path("name").asString(""));
        t.put("__meta_kubernetes_pod_container_image", container.path("image").asString(""));
        t.put("__meta_kubernetes_pod_container_port_name", port.path("name").asString(""));
        t.put("__meta_kubernetes_pod_container_port_number", Integer.toString(port.path("containerPort").asInt()));
        t.put("__meta_kubernetes_pod_container_port_protocol", protocol);
    }

    /** An Ingress (networking.k8s.io/v1): a target per rule and path, its host as the address. */
    static List<TargetGroup> ingress(JsonNode ingress) {
        JsonNode meta = ingress.path("metadata");
        JsonNode spec = ingress.path("spec");
        String name = meta.path("name").asString("");
        String namespace = meta.path("namespace").asString("");
        Map<String, String> group = new TreeMap<>();
        group.put("__meta_kubernetes_namespace", namespace);
        group.put("__meta_kubernetes_ingress_name", name);
        putIfPresent(group, "__meta_kubernetes_ingress_class_name", spec.path("ingressClassName"));
        objectMeta(group, "ingress", meta);
        List<String> tlsHosts = new ArrayList<>();
        for (JsonNode tls : spec.path("tls")) {
            tls.path("hosts").forEach(h -> tlsHosts.add(h.asString("")));
        }
        List<Map<String, String>> targets = new ArrayList<>();
        for (JsonNode rule : spec.path("rules")) {
            String host = rule.path("host").asString("");
            String scheme = tlsHosts.stream().anyMatch(p -> hostMatches(p, host)) ? "https" : "http";
            List<String> paths = new ArrayList<>();
            JsonNode http = rule.path("http");
            if (!http.isObject()) {
                paths.add("/");
            }
            for (JsonNode p : http.path("paths")) {
                String path = p.path("path").asString("");
                paths.add(path.isEmpty() ? "/" : path);
            }
            for (String path : paths) {
                Map<String, String> t = new TreeMap<>();
                t.put("__address__", host);
                t.put("__meta_kubernetes_ingress_scheme", scheme);
                t.put("__meta_kubernetes_ingress_host", host);
                t.put("__meta_kubernetes_ingress_path", path);
                targets.add(t);
            }
        }
        return groups(group, targets, "ingress/" + namespace + "/" + name);
    }

    /** A TLS host entry covers the rule's host when equal, or as {@code *.rest} over one more leading label. */
    private static boolean hostMatches(String pattern, String host) {
        if (pattern.equals(host)) {
            return true;
        }
        String[] p = pattern.split("\\.", -1);
        String[] h = host.split("\\.", -1);
        if (!p[0].equals("*") || p.length != h.length) {
            return false;
        }
        for (int i = 1; i < p.length; i++) {
            if (!p[i].equals(h[i])) {
                return false;
            }
        }
        return true;
    }

    /** The labels every target of a pod carries, in the pod role and behind endpoints alike. */
    private static Map<String, String> podLabels(JsonNode pod) {
        JsonNode meta = pod.path("metadata");
        JsonNode status = pod.path("status");
        Map<String, String> labels = new TreeMap<>();
        labels.put("__meta_kubernetes_pod_name", meta.path("name").asString(""));
        labels.put("__meta_kubernetes_pod_ip", status.path("podIP").asString(""));
        labels.put("__meta_kubernetes_pod_ready", podReady(status));
        labels.put("__meta_kubernetes_pod_phase", status.path("phase").asString(""));
        labels.put("__meta_kubernetes_pod_node_name", pod.path("spec").path("nodeName").asString(""));
        labels.put("__meta_kubernetes_pod_host_ip", status.path("hostIP").asString(""));
        labels.put("__meta_kubernetes_pod_uid", meta.path("uid").asString(""));
        for (JsonNode owner : meta.path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                labels.put("__meta_kubernetes_pod_controller_kind", owner.path("kind").asString(""));
                labels.put("__meta_kubernetes_pod_controller_name", owner.path("name").asString(""));
            }
        }
        objectMeta(labels, "pod", meta);
        return labels;
    }

    /** A service's labels on the targets behind it; none when the service is not (or not yet) known. */
    private static void serviceLabels(Map<String, String> labels, JsonNode service) {
        if (service == null) {
            return;
        }
        JsonNode meta = service.path("metadata");
        labels.put("__meta_kubernetes_service_name", meta.path("name").asString(""));
        objectMeta(labels, "service", meta);
    }

    private static JsonNode podOf(JsonNode ref, Function<String, JsonNode> pods) {
        if (!ref.path("kind").asString("").equals("Pod")) {
            return null;
        }
        return pods.apply(ref.path("namespace").asString("") + "/" + ref.path("name").asString(""));
    }

    /**
     * The pods behind an endpoints object and the ports its endpoints already cover, so that each pod's other
     * container ports still get a target, as Prometheus gives them.
     */
    private static final class SeenPods {

        private final Map<String, JsonNode> pods = new LinkedHashMap<>();

        private final Map<String, Set<Integer>> covered = new LinkedHashMap<>();

        /** The container port that {@link #portUsed} found, and whether its container is an init container. */
        JsonNode lastPort;

        boolean lastInit;

        void add(JsonNode pod) {
            pods.putIfAbsent(key(pod), pod);
        }

        /** Records {@code port} as covered; returns the container declaring it, or {@code null}. */
        JsonNode portUsed(JsonNode pod, int port, boolean initToo) {
            add(pod);
            covered.computeIfAbsent(key(pod), k -> new HashSet<>()).add(port);
            List<JsonNode> containers = new ArrayList<>();
            pod.path("spec").path("containers").forEach(containers::add);
            int regular = containers.size();
            if (initToo) {
                pod.path("spec").path("initContainers").forEach(containers::add);
            }
            for (int i = 0; i < containers.size(); i++) {
                for (JsonNode p : containers.get(i).path("ports")) {
                    if (p.path("containerPort").asInt() == port) {
                        lastPort = p;
                        lastInit = i >= regular;
                        return containers.get(i);
                    }
                }
            }
            return null;
        }

        /** Adds a target for each declared port of the seen pods that no endpoint covered. */
        void uncoveredPorts(List<Map<String, String>> targets, boolean initToo) {
            for (Map.Entry<String, JsonNode> e : pods.entrySet()) {
                JsonNode pod = e.getValue();
                String ip = pod.path("status").path("podIP").asString("");
                if (ip.isEmpty()) {
                    continue;
                }
                Set<Integer> done = covered.getOrDefault(e.getKey(), Set.of());
                List<Map<String, String>> extra = new ArrayList<>();
                containers(extra, pod.path("spec").path("containers"), ip, false);
                if (initToo) {
                    containers(extra, pod.path("spec").path("initContainers"), ip, true);
                }
                for (Map<String, String> t : extra) {
                    String number = t.get("__meta_kubernetes_pod_container_port_number");
                    if (number == null || done.contains(Integer.parseInt(number))) {
                        continue;
                    }
                    if (!initToo) {
                        t.remove("__meta_kubernetes_pod_container_init");
                    }
                    t.putAll(podLabels(pod));
                    targets.add(t);
                }
            }
        }

        private static String key(JsonNode pod) {
            JsonNode meta = pod.path("metadata");
            return meta.path("namespace").asString("") + "/" + meta.path("name").asString("");
        }
    }

    private static void putIfPresent(Map<String, String> labels, String name, JsonNode value) {
        if (!value.isMissingNode() && !value.isNull()) {
            labels.put(name, value.isString() ? value.asString() : value.toString());
        }
    }

    private static void putIfNotEmpty(Map<String, String> labels, String name, JsonNode value) {
        if (!value.asString("").isEmpty()) {
            labels.put(name, value.asString());
        }
    }

    private static void containers(List<Map<String, String>> targets, JsonNode containers, String ip, boolean init) {
        for (JsonNode c : containers) {
            Map<String, String> base = new TreeMap<>();
            base.put("__meta_kubernetes_pod_container_name", c.path("name").asString(""));
            base.put("__meta_kubernetes_pod_container_image", c.path("image").asString(""));
            base.put("__meta_kubernetes_pod_container_init", Boolean.toString(init));
            if (c.path("ports").isEmpty()) {
                // A container without declared ports still gets a target, on the pod's IP alone.
                if (!init) {
                    base.put("__address__", ip);
                    targets.add(base);
                }
                continue;
            }
            for (JsonNode port : c.path("ports")) {
                Map<String, String> t = new TreeMap<>(base);
                int number = port.path("containerPort").asInt();
                t.put("__address__", hostPort(ip, number));
                t.put("__meta_kubernetes_pod_container_port_name", port.path("name").asString(""));
                t.put("__meta_kubernetes_pod_container_port_number", Integer.toString(number));
                t.put("__meta_kubernetes_pod_container_port_protocol", port.path("protocol").asString(""));
                targets.add(t);
            }
        }
    }

    private static String podReady(JsonNode status) {
        for (JsonNode c : status.path("conditions")) {
            if (c.path("type").asString("").equals("Ready")) {
                return c.path("status").asString("unknown").toLowerCase(Locale.ROOT);
            }
        }
        return "unknown";
    }

    /** Labels, annotations and their presence, as {@code __meta_kubernetes_<kind>_label_<name>} and so on. */
    private static void objectMeta(Map<String, String> labels, String kind, JsonNode meta) {
        for (String section : List.of("labels", "annotations")) {
            String singular = section.substring(0, section.length() - 1);
            for (Map.Entry<String, JsonNode> e : meta.path(section).properties()) {
                String name = MetaLabels.sanitize(e.getKey());
                labels.put("__meta_kubernetes_" + kind + "_" + singular + "_" + name, e.getValue().asString(""));
                labels.put("__meta_kubernetes_" + kind + "_" + singular + "present_" + name, "true");
            }
        }
    }

    /**
     * One group per target: {@link TargetGroup} has a single label set, so each target's own labels (its port, its
     * container) are merged over the object's. Relabeling sees the same labels as in Prometheus, where a target's
     * labels win over its group's.
     */
    private static List<TargetGroup> groups(Map<String, String> object, List<Map<String, String>> targets,
            String source) {
        List<TargetGroup> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Map<String, String> merged = new TreeMap<>(object);
            merged.putAll(targets.get(i));
            String address = merged.remove("__address__");
            out.add(new TargetGroup(List.of(address), Labels.fromMap(merged), source + ":" + i));
        }
        return out;
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
