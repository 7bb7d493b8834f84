package io.basalt.scrape.discovery;

import io.basalt.model.Labels;
import io.basalt.scrape.config.TargetGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
        JsonNode status = pod.path("status");
        String name = meta.path("name").asString("");
        String namespace = meta.path("namespace").asString("");
        String ip = status.path("podIP").asString("");
        Map<String, String> group = new TreeMap<>();
        group.put("__meta_kubernetes_namespace", namespace);
        group.put("__meta_kubernetes_pod_name", name);
        group.put("__meta_kubernetes_pod_ip", ip);
        group.put("__meta_kubernetes_pod_ready", podReady(status));
        group.put("__meta_kubernetes_pod_phase", status.path("phase").asString(""));
        group.put("__meta_kubernetes_pod_node_name", pod.path("spec").path("nodeName").asString(""));
        group.put("__meta_kubernetes_pod_host_ip", status.path("hostIP").asString(""));
        group.put("__meta_kubernetes_pod_uid", meta.path("uid").asString(""));
        for (JsonNode owner : meta.path("ownerReferences")) {
            if (owner.path("controller").asBoolean(false)) {
                group.put("__meta_kubernetes_pod_controller_kind", owner.path("kind").asString(""));
                group.put("__meta_kubernetes_pod_controller_name", owner.path("name").asString(""));
            }
        }
        objectMeta(group, "pod", meta);
        if (ip.isEmpty()) {
            // Not scheduled or not yet running: nothing to scrape, as in Prometheus.
            return List.of();
        }
        List<Map<String, String>> targets = new ArrayList<>();
        containers(targets, pod.path("spec").path("initContainers"), ip, true);
        containers(targets, pod.path("spec").path("containers"), ip, false);
        return groups(group, targets, "pod/" + namespace + "/" + name);
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
