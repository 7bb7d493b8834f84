package io.basalt.scrape.discovery;

import io.basalt.scrape.config.KubernetesSdConfig;
import io.basalt.scrape.config.KubernetesSdConfig.Role;
import io.basalt.scrape.config.TargetGroup;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * {@code kubernetes_sd_configs}: the objects a role needs are watched ({@link ResourceWatch}) in each namespace
 * asked for, and turned into targets by {@link KubernetesTargets} whenever any of them changed. The endpoints and
 * endpointslice roles also watch services and pods, whose labels their targets carry, as in Prometheus.
 */
public final class KubernetesSd implements TargetDiscovery {

    private static final System.Logger log = System.getLogger(KubernetesSd.class.getName());

    /** Where Kubernetes mounts a pod's service account. */
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    /** An API resource: its role's objects, where its collection lives and whether it is per namespace. */
    private record Resource(Role role, String apiPrefix, String plural, boolean namespaced) {
    }

    private static final Map<Role, Resource> RESOURCES = Map.of(
            Role.NODE, new Resource(Role.NODE, "/api/v1", "nodes", false),
            Role.SERVICE, new Resource(Role.SERVICE, "/api/v1", "services", true),
            Role.POD, new Resource(Role.POD, "/api/v1", "pods", true),
            Role.ENDPOINTS, new Resource(Role.ENDPOINTS, "/api/v1", "endpoints", true),
            Role.ENDPOINTSLICE, new Resource(Role.ENDPOINTSLICE, "/apis/discovery.k8s.io/v1", "endpointslices",
                    true),
            Role.INGRESS, new Resource(Role.INGRESS, "/apis/networking.k8s.io/v1", "ingresses", true));

    private final String name;

    private final KubernetesSdConfig config;

    private final PolledDiscovery.Outcome outcome;

    private final Map<String, String> environment;

    private final Path serviceAccount;

    private final ResourceWatch.Timing timing;

    private final Duration requestTimeout;

    /** Moves on with every change any watch saw; groups are rebuilt when it has moved. */
    private final AtomicLong changes = new AtomicLong();

    private volatile Map<Role, List<ResourceWatch>> watches;

    private long builtAt = -1;

    private volatile List<TargetGroup> groups = List.of();

    private volatile String lastError = "";

    private volatile boolean closed;

    /**
     * @param name    names the entry in logs, e.g. {@code job "k8s" kubernetes_sd_configs}
     * @param outcome told about each list and watch attempt
     */
    public KubernetesSd(String name, KubernetesSdConfig config, PolledDiscovery.Outcome outcome) {
        this(name, config, outcome, System.getenv(), SERVICE_ACCOUNT, ResourceWatch.Timing.DEFAULT);
    }

    /** @param environment where KUBERNETES_SERVICE_HOST and _PORT are read in the cluster */
    KubernetesSd(String name, KubernetesSdConfig config, PolledDiscovery.Outcome outcome,
            Map<String, String> environment, Path serviceAccount, ResourceWatch.Timing timing) {
        this.name = name;
        this.config = config;
        this.outcome = outcome;
        this.environment = environment;
        this.serviceAccount = serviceAccount;
        this.timing = timing;
        this.requestTimeout = Discoveries.requestTimeout(config.refreshInterval());
    }

    /**
     * Starts the watches at the first call, waiting (at most a request timeout) for their first lists so that the
     * targets start with the config; afterwards rebuilds the groups if any watched object changed.
     */
    @Override
    public synchronized boolean refresh(long nowMillis) {
        if (closed) {
            return false;
        }
        if (watches == null && !start()) {
            return false;
        }
        long seen = changes.get();
        if (seen == builtAt) {
            return false;
        }
        builtAt = seen;
        List<TargetGroup> next = List.copyOf(build());
        boolean changed = !next.equals(groups);
        groups = next;
        return changed;
    }

    @Override
    public List<TargetGroup> groups() {
        return groups;
    }

    /** Why the last list or watch attempt failed, or {@code ""}. */
    public String lastError() {
        return lastError;
    }

    /** Not synchronized: a reload closes a job's discovery while the first refresh may still wait for lists. */
    @Override
    public void close() {
        closed = true;
        Map<Role, List<ResourceWatch>> running = watches;
        if (running != null) {
            running.values().forEach(list -> list.forEach(ResourceWatch::close));
        }
    }

    private boolean start() {
        KubernetesApi api;
        Set<String> namespaces;
        try {
            api = KubernetesApi.connect(config, environment, serviceAccount, requestTimeout);
            namespaces = namespaces();
        }
        catch (DiscoveryException e) {
            failed(e.getMessage());
            return false;
        }
        ResourceWatch.Listener listener = new ResourceWatch.Listener() {
            @Override
            public void attempted(boolean success, String error) {
                if (success) {
                    lastError = "";
                }
                else {
                    lastError = error;
                }
                outcome.refreshed(success);
            }

            @Override
            public void changed() {
                changes.incrementAndGet();
            }
        };
        Map<Role, List<ResourceWatch>> started = new LinkedHashMap<>();
        for (Role role : watchedRoles()) {
            Resource r = RESOURCES.get(role);
            List<ResourceWatch> list = new ArrayList<>();
            if (!r.namespaced() || namespaces.isEmpty()) {
                list.add(new ResourceWatch(api, r.apiPrefix() + "/" + r.plural(), selectorQuery(role), timing,
                        listener));
            }
            else {
                for (String ns : namespaces) {
                    list.add(new ResourceWatch(api, r.apiPrefix() + "/namespaces/" + encode(ns) + "/" + r.plural(),
                            selectorQuery(role), timing, listener));
                }
            }
            started.put(role, list);
        }
        watches = started;
        started.values().forEach(list -> list.forEach(ResourceWatch::start));
        if (closed) {
            close();
            return false;
        }
        long deadline = System.nanoTime() + requestTimeout.toNanos();
        try {
            for (List<ResourceWatch> list : started.values()) {
                for (ResourceWatch w : list) {
                    w.awaitFirstList(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void failed(String error) {
        if (!error.equals(lastError)) {
            log.log(System.Logger.Level.WARNING, "{0}: {1}", name, error);
        }
        lastError = error;
        outcome.refreshed(false);
    }

    private List<Role> watchedRoles() {
        return switch (config.role()) {
            case ENDPOINTS -> List.of(Role.ENDPOINTS, Role.SERVICE, Role.POD);
            case ENDPOINTSLICE -> List.of(Role.ENDPOINTSLICE, Role.SERVICE, Role.POD);
            default -> List.of(config.role());
        };
    }

    private List<TargetGroup> build() {
        List<TargetGroup> out = new ArrayList<>();
        for (JsonNode object : objects(config.role()).values()) {
            out.addAll(switch (config.role()) {
                case NODE -> KubernetesTargets.node(object);
                case SERVICE -> KubernetesTargets.service(object);
                case POD -> KubernetesTargets.pod(object);
                case ENDPOINTS -> KubernetesTargets.endpoints(object, key -> lookup(Role.SERVICE, key),
                        key -> lookup(Role.POD, key));
                case ENDPOINTSLICE -> KubernetesTargets.endpointSlice(object, key -> lookup(Role.SERVICE, key),
                        key -> lookup(Role.POD, key));
                case INGRESS -> KubernetesTargets.ingress(object);
            });
        }
        return out;
    }

    /** A role's objects from all its watches, in name order so that the groups come out the same every time. */
    private Map<String, JsonNode> objects(Role role) {
        Map<String, JsonNode> out = new TreeMap<>();
        watches.get(role).forEach(w -> out.putAll(w.objects()));
        return out;
    }

    private JsonNode lookup(Role role, String key) {
        for (ResourceWatch w : watches.get(role)) {
            JsonNode o = w.get(key);
            if (o != null) {
                return o;
            }
        }
        return null;
    }

    /** The selector of the objects of {@code role}, as the API server's query parameters. */
    private String selectorQuery(Role role) {
        KubernetesSdConfig.Selector s = config.selector(role);
        if (s == null) {
            return "";
        }
        List<String> query = new ArrayList<>();
        if (s.label() != null) {
            query.add("labelSelector=" + encode(s.label()));
        }
        if (s.field() != null) {
            query.add("fieldSelector=" + encode(s.field()));
        }
        return String.join("&", query);
    }

    private Set<String> namespaces() {
        Set<String> out = new LinkedHashSet<>(config.namespaces());
        if (config.ownNamespace()) {
            try {
                out.add(Files.readString(serviceAccount.resolve("namespace"), StandardCharsets.UTF_8).strip());
            }
            catch (IOException e) {
                throw new DiscoveryException("own_namespace: cannot read " + serviceAccount.resolve("namespace")
                        + ": " + e.getClass().getSimpleName(), e);
            }
        }
        return out;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
