package io.basalt.scrape.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The {@code *_sd_configs} sections of a scrape job, validated as Prometheus 2.42 validates them. */
final class DiscoveryConfigLoader {

    /** HTTP client fields an SD entry that speaks HTTP may carry, as a scrape job does. */
    private static final Set<String> HTTP_CLIENT = Set.of("basic_auth", "authorization", "oauth2", "tls_config",
            "bearer_token", "bearer_token_file");

    private static final Set<String> CONSUL = Set.of("server", "scheme", "path_prefix", "datacenter", "namespace",
            "partition", "token", "services", "tags", "node_meta", "tag_separator", "allow_stale", "refresh_interval");

    private DiscoveryConfigLoader() {
    }

    static List<DiscoveryConfig> load(YamlSection job, Path baseDir) {
        List<DiscoveryConfig> out = new ArrayList<>();
        for (YamlSection f : job.sections("file_sd_configs")) {
            out.add(fileSd(f, baseDir));
        }
        for (YamlSection h : job.sections("http_sd_configs")) {
            out.add(httpSd(h, baseDir));
        }
        for (YamlSection d : job.sections("dns_sd_configs")) {
            out.add(dnsSd(d));
        }
        for (YamlSection c : job.sections("consul_sd_configs")) {
            out.add(consulSd(c, baseDir));
        }
        for (YamlSection k : job.sections("kubernetes_sd_configs")) {
            out.add(kubernetesSd(k, baseDir));
        }
        return List.copyOf(out);
    }

    private static FileSdConfig fileSd(YamlSection f, Path baseDir) {
        f.allowOnly(Set.of("files", "refresh_interval"));
        List<Path> files = new ArrayList<>();
        for (String pattern : f.strings("files")) {
            files.add(baseDir == null ? Path.of(pattern) : baseDir.resolve(pattern));
        }
        if (files.isEmpty()) {
            throw f.error("files", "file service discovery config must contain at least one path name");
        }
        return new FileSdConfig(files, AgentConfigLoader.positive(f, "refresh_interval",
                FileSdConfig.DEFAULT_REFRESH_INTERVAL));
    }

    private static HttpSdConfig httpSd(YamlSection h, Path baseDir) {
        h.allowOnly(union(HTTP_CLIENT, Set.of("url", "refresh_interval")));
        String raw = h.string("url", "");
        if (raw.isEmpty()) {
            throw h.error("url", "URL is missing");
        }
        URI url;
        try {
            url = new URI(raw);
        }
        catch (URISyntaxException e) {
            throw h.error("url", "invalid http_sd url \"" + raw + "\": " + e.getReason());
        }
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))) {
            throw h.error("url", "URL scheme must be 'http' or 'https'");
        }
        if (url.getHost() == null) {
            throw h.error("url", "host is missing in URL");
        }
        return new HttpSdConfig(url, AgentConfigLoader.positive(h, "refresh_interval",
                HttpSdConfig.DEFAULT_REFRESH_INTERVAL), AgentConfigLoader.http(h, baseDir));
    }

    private static DnsSdConfig dnsSd(YamlSection d) {
        d.allowOnly(Set.of("names", "type", "port", "refresh_interval"));
        List<String> names = d.strings("names");
        if (names.isEmpty()) {
            throw d.error("names", "DNS-SD config must contain at least one SRV record name");
        }
        String type = d.string("type", "SRV").toUpperCase(Locale.ROOT);
        DnsSdConfig.RecordType recordType;
        try {
            recordType = DnsSdConfig.RecordType.valueOf(type);
        }
        catch (IllegalArgumentException e) {
            throw d.error("type", "invalid DNS-SD records type " + type + " (supported: SRV, A, AAAA)");
        }
        long port = d.integer("port", 0);
        if (recordType != DnsSdConfig.RecordType.SRV && (port < 1 || port > 65535)) {
            throw d.error("port", "a port (1-65535) is required in DNS-SD configs for all record types except SRV");
        }
        return new DnsSdConfig(names, recordType, (int) port, AgentConfigLoader.positive(d, "refresh_interval",
                DnsSdConfig.DEFAULT_REFRESH_INTERVAL));
    }

    private static ConsulSdConfig consulSd(YamlSection c, Path baseDir) {
        c.allowOnly(union(HTTP_CLIENT, CONSUL));
        String server = c.string("server", "localhost:8500");
        if (server.isBlank()) {
            throw c.error("server", "consul SD configuration requires a server address");
        }
        String scheme = c.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw c.error("scheme", "consul SD scheme must be http or https, got \"" + scheme + "\"");
        }
        String token = c.string("token", null);
        return new ConsulSdConfig(server, scheme, c.string("path_prefix", null), c.string("datacenter", null),
                c.string("namespace", null), c.string("partition", null), token == null ? null : new Secret(token),
                c.strings("services"), c.strings("tags"), c.stringMap("node_meta"), c.string("tag_separator", ","),
                c.bool("allow_stale", true), AgentConfigLoader.positive(c, "refresh_interval",
                        ConsulSdConfig.DEFAULT_REFRESH_INTERVAL), AgentConfigLoader.http(c, baseDir));
    }

    /** Which objects' selectors each role takes: its own, and those of the objects it reads labels from. */
    private static final Map<KubernetesSdConfig.Role, List<KubernetesSdConfig.Role>> SELECTOR_ROLES = Map.of(
            KubernetesSdConfig.Role.NODE, List.of(KubernetesSdConfig.Role.NODE),
            KubernetesSdConfig.Role.SERVICE, List.of(KubernetesSdConfig.Role.SERVICE),
            KubernetesSdConfig.Role.POD, List.of(KubernetesSdConfig.Role.POD),
            KubernetesSdConfig.Role.INGRESS, List.of(KubernetesSdConfig.Role.INGRESS),
            KubernetesSdConfig.Role.ENDPOINTS, List.of(KubernetesSdConfig.Role.POD, KubernetesSdConfig.Role.SERVICE,
                    KubernetesSdConfig.Role.ENDPOINTS),
            KubernetesSdConfig.Role.ENDPOINTSLICE, List.of(KubernetesSdConfig.Role.POD,
                    KubernetesSdConfig.Role.SERVICE, KubernetesSdConfig.Role.ENDPOINTSLICE));

    private static KubernetesSdConfig kubernetesSd(YamlSection k, Path baseDir) {
        k.allowOnly(union(HTTP_CLIENT, Set.of("role", "api_server", "kubeconfig_file", "namespaces", "selectors")));
        String roleName = k.string("role", "");
        if (roleName.isEmpty()) {
            throw k.error("role", "role missing (one of: pod, service, endpoints, endpointslice, node, ingress)");
        }
        KubernetesSdConfig.Role role = kubernetesRole(k, "role", roleName);
        HttpClientSettings http = AgentConfigLoader.http(k, baseDir);
        boolean customHttp = !HttpClientSettings.NONE.equals(http);
        URI apiServer = null;
        String raw = k.string("api_server", null);
        if (raw != null) {
            try {
                apiServer = new URI(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
            }
            catch (URISyntaxException e) {
                throw k.error("api_server", "invalid api_server \"" + raw + "\": " + e.getReason());
            }
            if (apiServer.getScheme() == null || apiServer.getHost() == null) {
                throw k.error("api_server", "api_server must be http(s)://host[:port], got \"" + raw + "\"");
            }
        }
        String kubeconfig = k.string("kubeconfig_file", "");
        Path kubeconfigFile = null;
        if (!kubeconfig.isEmpty()) {
            if (apiServer != null) {
                throw k.error("kubeconfig_file", "cannot use 'kubeconfig_file' and 'api_server' simultaneously");
            }
            if (customHttp) {
                throw k.error("kubeconfig_file", "cannot use a custom HTTP client configuration together with "
                        + "'kubeconfig_file'");
            }
            kubeconfigFile = baseDir == null ? Path.of(kubeconfig) : baseDir.resolve(kubeconfig);
        }
        else if (apiServer == null && customHttp) {
            throw k.error("api_server", "to use custom HTTP client configuration please provide the 'api_server' "
                    + "URL explicitly");
        }
        List<String> namespaces = List.of();
        boolean own = false;
        YamlSection ns = k.section("namespaces");
        if (ns != null) {
            ns.allowOnly(Set.of("names", "own_namespace"));
            namespaces = ns.strings("names");
            own = ns.bool("own_namespace", false);
        }
        List<KubernetesSdConfig.Role> allowed = SELECTOR_ROLES.get(role);
        List<KubernetesSdConfig.Selector> selectors = new ArrayList<>();
        Set<KubernetesSdConfig.Role> seen = new HashSet<>();
        for (YamlSection sel : k.sections("selectors")) {
            sel.allowOnly(Set.of("role", "label", "field"));
            KubernetesSdConfig.Role selectorRole = kubernetesRole(sel, "role", sel.string("role", ""));
            if (!allowed.contains(selectorRole)) {
                throw sel.error("role", role.configName() + " role supports only " + String.join(", ",
                        allowed.stream().map(KubernetesSdConfig.Role::configName).toList()) + " selectors");
            }
            if (!seen.add(selectorRole)) {
                throw sel.error("role", "duplicated selector role: " + selectorRole.configName());
            }
            selectors.add(new KubernetesSdConfig.Selector(selectorRole, selector(sel, "label"),
                    selector(sel, "field")));
        }
        return new KubernetesSdConfig(role, apiServer, kubeconfigFile, namespaces, own, selectors, http);
    }

    /** A selector as the API server takes it; blank is none. Its syntax is the API server's to judge. */
    private static String selector(YamlSection sel, String key) {
        String value = sel.string(key, "").strip();
        return value.isEmpty() ? null : value;
    }

    private static KubernetesSdConfig.Role kubernetesRole(YamlSection s, String key, String value) {
        for (KubernetesSdConfig.Role r : KubernetesSdConfig.Role.values()) {
            if (r.configName().equals(value)) {
                return r;
            }
        }
        throw s.error(key, "unknown Kubernetes SD role \"" + value + "\" (one of: pod, service, endpoints, "
                + "endpointslice, node, ingress)");
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }
}
