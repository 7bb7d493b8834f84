package io.basalt.scrape.config;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.Labels;
import io.basalt.relabel.InvalidRelabelConfigException;
import io.basalt.relabel.RelabelConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a Prometheus-format config file. Strict like Prometheus: an unknown key, a wrong type or a rule Prometheus
 * would reject stops the load, and the message names the file, the line and the field.
 */
public final class AgentConfigLoader {

    private static final Set<String> TOP_LEVEL = Set.of("global", "scrape_configs", "remote_write",
            // Accepted so a Prometheus server's file loads as is; the agent evaluates no rules and sends no alerts.
            "rule_files", "alerting");

    private static final Set<String> GLOBAL = Set.of("scrape_interval", "scrape_timeout", "external_labels",
            "evaluation_interval");

    private static final Set<String> SCRAPE = Set.of("job_name", "scrape_interval", "scrape_timeout", "metrics_path",
            "scheme", "params", "honor_labels", "honor_timestamps", "sample_limit", "target_limit", "label_limit",
            "label_name_length_limit", "label_value_length_limit", "body_size_limit", "basic_auth", "bearer_token",
            "bearer_token_file", "authorization", "oauth2", "tls_config", "static_configs", "file_sd_configs",
            "http_sd_configs", "dns_sd_configs", "consul_sd_configs", "kubernetes_sd_configs", "relabel_configs",
            "metric_relabel_configs");

    private static final Set<String> REMOTE_WRITE = Set.of("url", "name", "remote_timeout", "headers",
            "write_relabel_configs", "queue_config", "basic_auth", "bearer_token", "bearer_token_file",
            "authorization", "oauth2", "tls_config");

    /** Secret fields by their section, as {@code section.field}. */
    private static final Set<String> SECRET_FIELDS = Set.of("basic_auth.password", "authorization.credentials",
            "oauth2.client_secret", "tls_config.key", "consul_sd_configs.token");

    /**
     * Maps whose every value may be a credential: remote-write headers often carry an API key or a tenant token
     * ({@code X-Api-Key}, {@code X-Scope-OrgID}), and OAuth2 endpoint parameters a client assertion.
     */
    private static final Set<String> SECRET_MAPS = Set.of("remote_write.headers", "oauth2.endpoint_params");

    /** Sections whose entries are HTTP client configs, where {@code bearer_token} sits directly. */
    private static final Set<String> HTTP_CLIENT_SECTIONS = Set.of("scrape_configs", "remote_write",
            "http_sd_configs", "consul_sd_configs", "kubernetes_sd_configs");

    private static final Pattern URL_PASSWORD = Pattern.compile("//([^/:@]*):[^/@]*@");

    private static final Set<String> TLS = Set.of("ca", "ca_file", "cert", "cert_file", "key", "key_file",
            "server_name", "insecure_skip_verify", "min_version");

    private static final Map<String, String> TLS_VERSIONS = Map.of("TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12",
            "TLSv1.2", "TLS13", "TLSv1.3");

    /** Headers the remote-write protocol or the HTTP client set; Prometheus refuses to let a config change them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("host", "content-encoding", "content-length",
            "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "www-authenticate", "accept-encoding", "x-prometheus-remote-write-version",
            "x-prometheus-remote-read-version");

    private static final Set<String> QUEUE = Set.of("capacity", "max_shards", "min_shards", "max_samples_per_send",
            "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429");

    private AgentConfigLoader() {
    }

    public static AgentConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new InvalidAgentConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(file.getFileName().toString(), text, file.toAbsolutePath().getParent());
    }

    /**
     * @param name    the file name used in messages
     * @param baseDir where relative file_sd paths resolve
     */
    public static AgentConfig parse(String name, String yaml, Path baseDir) {
        Node root = compose(name, new StringReader(yaml));
        if (root == null) {
            return new AgentConfig(new GlobalConfig(GlobalConfig.DEFAULT_SCRAPE_INTERVAL,
                    GlobalConfig.DEFAULT_SCRAPE_TIMEOUT, Labels.EMPTY), List.of(), List.of(), "{}\n");
        }
        YamlSection top = new YamlSection(name, "", root).allowOnly(TOP_LEVEL);
        GlobalConfig global = global(top.section("global"));
        List<ScrapeJobConfig> jobs = new ArrayList<>();
        Set<String> jobNames = new HashSet<>();
        for (YamlSection s : top.sections("scrape_configs")) {
            ScrapeJobConfig job = scrapeJob(s, global, baseDir);
            if (!jobNames.add(job.jobName())) {
                throw s.error("job_name", "found multiple scrape configs with job name \"" + job.jobName() + "\"");
            }
            jobs.add(job);
        }
        List<RemoteWriteConfig> writes = new ArrayList<>();
        for (YamlSection s : top.sections("remote_write")) {
            writes.add(remoteWrite(s, baseDir));
        }
        return new AgentConfig(global, jobs, writes, redacted(root));
    }

    /**
     * The config as YAML with each secret replaced by {@code <secret>} and any password in a URL by {@code xxxxx},
     * as Prometheus' config page shows it. Only the secret fields of HTTP client configs are touched, so a label
     * that happens to be called {@code password} keeps its value.
     */
    private static String redacted(Node root) {
        redact(root, List.of());
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        StringWriter out = new StringWriter();
        new Yaml(options).serialize(root, out);
        return out.toString();
    }

    private static void redact(Node node, List<String> path) {
        if (node instanceof SequenceNode seq) {
            seq.getValue().forEach(item -> redact(item, path));
            return;
        }
        if (!(node instanceof MappingNode mapping)) {
            return;
        }
        String parent = path.isEmpty() ? "" : path.get(path.size() - 1);
        String grandparent = path.size() < 2 ? "" : path.get(path.size() - 2);
        List<NodeTuple> tuples = mapping.getValue();
        for (int i = 0; i < tuples.size(); i++) {
            NodeTuple t = tuples.get(i);
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                continue;
            }
            String key = k.getValue();
            Node value = t.getValueNode();
            if (value instanceof ScalarNode v && !Tag.NULL.equals(v.getTag())) {
                String replacement = null;
                if (SECRET_FIELDS.contains(parent + "." + key) || SECRET_MAPS.contains(grandparent + "." + parent)
                        || (key.equals("bearer_token") && HTTP_CLIENT_SECTIONS.contains(parent))) {
                    replacement = "<secret>";
                }
                else if (key.equals("url") && parent.equals("remote_write")) {
                    replacement = redactedUrl(v.getValue());
                }
                if (replacement != null) {
                    tuples.set(i, new NodeTuple(k, new ScalarNode(Tag.STR, replacement, v.getStartMark(),
                            v.getEndMark(), DumperOptions.ScalarStyle.PLAIN)));
                }
                continue;
            }
            List<String> child = new ArrayList<>(path);
            child.add(key);
            redact(value, child);
        }
    }

    /** For a URL that may not parse: a password between {@code //user:} and {@code @} reads {@code xxxxx}. */
    private static String redactedUrlText(String raw) {
        return URL_PASSWORD.matcher(raw).replaceFirst("//$1:xxxxx@");
    }

    private static String redactedUrl(String raw) {
        try {
            return RemoteWriteConfig.redacted(new URI(raw));
        }
        catch (URISyntaxException e) {
            return redactedUrlText(raw);
        }
    }

    static Node compose(String name, Reader reader) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            return new Yaml(options).compose(reader);
        }
        catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new InvalidAgentConfigException(name + ":" + line + ": " + e.getProblem(), e);
        }
        catch (YAMLException e) {
            throw new InvalidAgentConfigException(name + ": " + e.getMessage(), e);
        }
    }

    private static GlobalConfig global(YamlSection s) {
        if (s == null) {
            return new GlobalConfig(GlobalConfig.DEFAULT_SCRAPE_INTERVAL, GlobalConfig.DEFAULT_SCRAPE_TIMEOUT,
                    Labels.EMPTY);
        }
        s.allowOnly(GLOBAL);
        Duration interval = positive(s, "scrape_interval", GlobalConfig.DEFAULT_SCRAPE_INTERVAL);
        Duration timeout = s.duration("scrape_timeout", null);
        if (timeout == null) {
            timeout = GlobalConfig.DEFAULT_SCRAPE_TIMEOUT.compareTo(interval) > 0 ? interval
                    : GlobalConfig.DEFAULT_SCRAPE_TIMEOUT;
        }
        else if (timeout.compareTo(interval) > 0) {
            throw s.error("scrape_timeout", "global scrape timeout greater than scrape interval");
        }
        return new GlobalConfig(interval, timeout, labels(s, "external_labels"));
    }

    private static ScrapeJobConfig scrapeJob(YamlSection s, GlobalConfig global, Path baseDir) {
        s.allowOnly(SCRAPE);
        String job = s.string("job_name", "");
        if (job.isEmpty()) {
            throw s.error("job_name", "job_name is empty in " + s.path());
        }
        Duration interval = positive(s, "scrape_interval", global.scrapeInterval());
        Duration timeout = s.duration("scrape_timeout", null);
        if (timeout == null) {
            timeout = global.scrapeTimeout().compareTo(interval) > 0 ? interval : global.scrapeTimeout();
        }
        else if (timeout.compareTo(interval) > 0) {
            throw s.error("scrape_timeout",
                    "scrape timeout greater than scrape interval for scrape config with job name \"" + job + "\"");
        }
        String scheme = s.string("scheme", "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw s.error("scheme", "unknown scrape scheme \"" + scheme + "\" in job \"" + job + "\"");
        }
        String metricsPath = s.string("metrics_path", "/metrics");
        Map<String, List<String>> params = new LinkedHashMap<>();
        YamlSection p = s.section("params");
        if (p != null) {
            for (String key : p.keys()) {
                params.put(key, List.copyOf(p.strings(key)));
            }
        }
        ScrapeLimits limits = new ScrapeLimits(nonNegative(s, "sample_limit"), nonNegative(s, "target_limit"),
                nonNegative(s, "label_limit"), nonNegative(s, "label_name_length_limit"),
                nonNegative(s, "label_value_length_limit"), byteSize(s, "body_size_limit"));
        List<TargetGroup> statics = new ArrayList<>();
        List<YamlSection> groups = s.sections("static_configs");
        for (int i = 0; i < groups.size(); i++) {
            statics.add(targetGroup(groups.get(i), job + "/static/" + i));
        }
        return new ScrapeJobConfig(job, interval, timeout, metricsPath, scheme, Map.copyOf(params),
                s.bool("honor_labels", false), s.bool("honor_timestamps", true), limits, http(s, baseDir), statics,
                DiscoveryConfigLoader.load(s, baseDir), relabel(s, "relabel_configs"),
                relabel(s, "metric_relabel_configs"));
    }

    /** A static_configs entry or one group of a file_sd file. */
    static TargetGroup targetGroup(YamlSection g, String source) {
        g.allowOnly(Set.of("targets", "labels"));
        List<String> targets = g.strings("targets");
        for (String t : targets) {
            if (t.contains("/")) {
                throw g.error("targets", "\"" + t + "\" is not a valid hostname");
            }
        }
        return new TargetGroup(targets, labels(g, "labels"), source);
    }

    private static RemoteWriteConfig remoteWrite(YamlSection s, Path baseDir) {
        s.allowOnly(REMOTE_WRITE);
        String rawUrl = s.string("url", null);
        if (rawUrl == null) {
            throw s.error("url", "url for remote_write is empty in " + s.path());
        }
        URI url;
        try {
            url = new URI(rawUrl);
        }
        catch (URISyntaxException e) {
            // Not e.getMessage(): it repeats the input, password included.
            throw s.error("url", "invalid remote_write url \"" + redactedUrlText(rawUrl) + "\": " + e.getReason());
        }
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw s.error("url", "remote_write url must be http(s)://host[:port]/path, got \""
                    + redactedUrlText(rawUrl) + "\"");
        }
        RemoteWriteConfig.QueueConfig d = RemoteWriteConfig.QueueConfig.DEFAULT;
        RemoteWriteConfig.QueueConfig queue = d;
        YamlSection q = s.section("queue_config");
        if (q != null) {
            q.allowOnly(QUEUE);
            queue = new RemoteWriteConfig.QueueConfig(positiveInt(q, "capacity", d.capacity()),
                    positiveInt(q, "max_shards", d.maxShards()), positiveInt(q, "min_shards", d.minShards()),
                    positiveInt(q, "max_samples_per_send", d.maxSamplesPerSend()),
                    positive(q, "batch_send_deadline", d.batchSendDeadline()),
                    positive(q, "min_backoff", d.minBackoff()), positive(q, "max_backoff", d.maxBackoff()),
                    q.bool("retry_on_http_429", d.retryOnHttp429()));
            if (queue.minShards() > queue.maxShards()) {
                throw q.error("min_shards", "min_shards must not exceed max_shards");
            }
        }
        Map<String, String> headers = s.stringMap("headers");
        for (String header : headers.keySet()) {
            if (header.equalsIgnoreCase("authorization")) {
                throw s.error("headers", "authorization header must be changed via the basic_auth, authorization, "
                        + "oauth2, or sigv4 parameter");
            }
            if (RESERVED_HEADERS.contains(header.toLowerCase(java.util.Locale.ROOT))) {
                throw s.error("headers", header + " is a reserved header. It must not be changed");
            }
        }
        return new RemoteWriteConfig(url, s.string("name", ""),
                positive(s, "remote_timeout", RemoteWriteConfig.DEFAULT_REMOTE_TIMEOUT), headers,
                relabel(s, "write_relabel_configs"), queue, http(s, baseDir));
    }

    /** Prometheus' HTTP client config with its validation, messages as Prometheus 2.42 words them. */
    static HttpClientSettings http(YamlSection s, Path baseDir) {
        HttpClientSettings.BasicAuth basic = null;
        YamlSection b = s.section("basic_auth");
        if (b != null) {
            b.allowOnly(Set.of("username", "password", "password_file"));
            Secret password = secret(b, "password");
            Path passwordFile = file(b, "password_file", baseDir);
            if (password != null && passwordFile != null) {
                throw b.error("password_file", "at most one of basic_auth password & password_file must be configured");
            }
            basic = new HttpClientSettings.BasicAuth(b.string("username", ""), password, passwordFile);
        }
        Secret token = secret(s, "bearer_token");
        Path tokenFile = file(s, "bearer_token_file", baseDir);
        if (token != null && tokenFile != null) {
            throw s.error("bearer_token_file", "at most one of bearer_token & bearer_token_file must be configured");
        }
        String tokenKey = token != null ? "bearer_token" : "bearer_token_file";
        HttpClientSettings.OAuth2 oauth2 = oauth2(s.section("oauth2"), baseDir);
        if ((basic != null || oauth2 != null) && (token != null || tokenFile != null)) {
            throw s.error(tokenKey, "at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be "
                    + "configured");
        }
        HttpClientSettings.Authorization authorization = null;
        YamlSection a = s.section("authorization");
        if (a != null) {
            a.allowOnly(Set.of("type", "credentials", "credentials_file"));
            if (token != null || tokenFile != null) {
                throw s.error("authorization", "authorization is not compatible with bearer_token & bearer_token_file");
            }
            Secret credentials = secret(a, "credentials");
            Path credentialsFile = file(a, "credentials_file", baseDir);
            if (credentials != null && credentialsFile != null) {
                throw a.error("credentials_file",
                        "at most one of authorization credentials & credentials_file must be configured");
            }
            String type = a.string("type", "").strip();
            if (type.isEmpty()) {
                type = "Bearer";
            }
            if (type.equalsIgnoreCase("basic")) {
                throw a.error("type", "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
            }
            if (basic != null || oauth2 != null) {
                throw s.error("authorization", "at most one of basic_auth, oauth2 & authorization must be configured");
            }
            authorization = new HttpClientSettings.Authorization(type, credentials, credentialsFile);
        }
        else if (token != null || tokenFile != null) {
            authorization = new HttpClientSettings.Authorization("Bearer", token, tokenFile);
        }
        if (oauth2 != null && basic != null) {
            throw s.error("oauth2", "at most one of basic_auth, oauth2 & authorization must be configured");
        }
        return new HttpClientSettings(basic, authorization, oauth2, tls(s.section("tls_config"), baseDir));
    }

    private static HttpClientSettings.OAuth2 oauth2(YamlSection o, Path baseDir) {
        if (o == null) {
            return null;
        }
        o.allowOnly(Set.of("client_id", "client_secret", "client_secret_file", "scopes", "token_url",
                "endpoint_params", "tls_config"));
        String clientId = o.string("client_id", "");
        if (clientId.isEmpty()) {
            throw o.error("client_id", "oauth2 client_id must be configured");
        }
        String tokenUrl = o.string("token_url", "");
        if (tokenUrl.isEmpty()) {
            throw o.error("token_url", "oauth2 token_url must be configured");
        }
        URI uri;
        try {
            uri = new URI(tokenUrl);
        }
        catch (URISyntaxException e) {
            throw o.error("token_url", "invalid oauth2 token_url: " + e.getMessage());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw o.error("token_url", "oauth2 token_url must be an http(s) URL");
        }
        Secret secret = secret(o, "client_secret");
        Path secretFile = file(o, "client_secret_file", baseDir);
        if (secret != null && secretFile != null) {
            throw o.error("client_secret_file",
                    "at most one of oauth2 client_secret & client_secret_file must be configured");
        }
        return new HttpClientSettings.OAuth2(clientId, secret, secretFile, List.copyOf(o.strings("scopes")), uri,
                Map.copyOf(o.stringMap("endpoint_params")), tls(o.section("tls_config"), baseDir));
    }

    private static HttpClientSettings.TlsSettings tls(YamlSection t, Path baseDir) {
        if (t == null) {
            return HttpClientSettings.TlsSettings.NONE;
        }
        t.allowOnly(TLS);
        String ca = t.string("ca", null);
        Path caFile = file(t, "ca_file", baseDir);
        String cert = t.string("cert", null);
        Path certFile = file(t, "cert_file", baseDir);
        Secret key = secret(t, "key");
        Path keyFile = file(t, "key_file", baseDir);
        if (ca != null && caFile != null) {
            throw t.error("ca_file", "at most one of ca and ca_file must be configured");
        }
        if (cert != null && certFile != null) {
            throw t.error("cert_file", "at most one of cert and cert_file must be configured");
        }
        if (key != null && keyFile != null) {
            throw t.error("key_file", "at most one of key and key_file must be configured");
        }
        boolean hasCert = cert != null || certFile != null;
        boolean hasKey = key != null || keyFile != null;
        if (hasCert && !hasKey) {
            throw t.error(cert != null ? "cert" : "cert_file",
                    "exactly one of key or key_file must be configured when a client certificate is configured");
        }
        if (hasKey && !hasCert) {
            throw t.error(key != null ? "key" : "key_file",
                    "exactly one of cert or cert_file must be configured when a client key is configured");
        }
        String minVersion = HttpClientSettings.TlsSettings.DEFAULT_MIN_VERSION;
        String version = t.string("min_version", null);
        if (version != null) {
            minVersion = TLS_VERSIONS.get(version);
            if (minVersion == null) {
                throw t.error("min_version", "unknown TLS version: " + version);
            }
        }
        return new HttpClientSettings.TlsSettings(ca, caFile, cert, certFile, key, keyFile,
                t.string("server_name", null), t.bool("insecure_skip_verify", false), minVersion);
    }

    /** An inline secret; an empty one counts as absent, as in Prometheus. */
    private static Secret secret(YamlSection s, String key) {
        String value = s.string(key, null);
        return value == null || value.isEmpty() ? null : new Secret(value);
    }

    /** A file path; a relative one resolves against the config file's directory, as Prometheus does. */
    private static Path file(YamlSection s, String key, Path baseDir) {
        String value = s.string(key, null);
        if (value == null || value.isEmpty()) {
            return null;
        }
        return baseDir == null ? Path.of(value) : baseDir.resolve(value);
    }

    private static long nonNegative(YamlSection s, String key) {
        long v = s.integer(key, 0);
        if (v < 0) {
            throw s.error(key, key + " must not be negative");
        }
        return v;
    }

    private static long byteSize(YamlSection s, String key) {
        String text = s.string(key, null);
        if (text == null) {
            return 0;
        }
        try {
            return ByteSize.parse(text);
        }
        catch (IllegalArgumentException e) {
            throw s.error(key, e.getMessage());
        }
    }

    private static List<RelabelConfig> relabel(YamlSection s, String key) {
        List<RelabelConfig> out = new ArrayList<>();
        for (YamlSection r : s.sections(key)) {
            try {
                out.add(RelabelConfig.fromMap(r.plain()));
            }
            catch (InvalidRelabelConfigException e) {
                throw r.error(e.field(), e.getMessage() + " in " + r.path());
            }
        }
        return List.copyOf(out);
    }

    private static Labels labels(YamlSection s, String key) {
        Map<String, String> map = s.stringMap(key);
        for (String name : map.keySet()) {
            if (!RelabelConfig.isValidLabelName(name)) {
                throw s.error(key, "\"" + name + "\" is not a valid label name in " + s.path() + "." + key);
            }
        }
        try {
            return Labels.fromMap(map);
        }
        catch (InvalidLabelsException e) {
            throw s.error(key, e.getMessage());
        }
    }

    static Duration positive(YamlSection s, String key, Duration fallback) {
        Duration d = s.duration(key, fallback);
        if (d.isZero() || d.isNegative()) {
            throw s.error(key, key + " must be greater than zero in " + s.path());
        }
        return d;
    }

    private static int positiveInt(YamlSection s, String key, int fallback) {
        long v = s.integer(key, fallback);
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw s.error(key, key + " must be a positive integer in " + s.path());
        }
        return (int) v;
    }
}
