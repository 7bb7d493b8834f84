package io.basalt.agent.config;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.Labels;
import io.basalt.relabel.InvalidRelabelConfigException;
import io.basalt.relabel.RelabelConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
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
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

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
            "scheme", "params", "honor_labels", "honor_timestamps", "sample_limit", "basic_auth", "bearer_token",
            "bearer_token_file", "authorization", "tls_config", "static_configs", "file_sd_configs", "relabel_configs",
            "metric_relabel_configs");

    private static final Set<String> REMOTE_WRITE = Set.of("url", "name", "remote_timeout", "headers",
            "write_relabel_configs", "queue_config", "basic_auth", "bearer_token", "bearer_token_file",
            "authorization", "tls_config");

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
                    GlobalConfig.DEFAULT_SCRAPE_TIMEOUT, Labels.EMPTY), List.of(), List.of());
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
            writes.add(remoteWrite(s));
        }
        return new AgentConfig(global, jobs, writes);
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
        long sampleLimit = s.integer("sample_limit", 0);
        if (sampleLimit < 0) {
            throw s.error("sample_limit", "sample_limit must not be negative");
        }
        List<TargetGroup> statics = new ArrayList<>();
        List<YamlSection> groups = s.sections("static_configs");
        for (int i = 0; i < groups.size(); i++) {
            statics.add(targetGroup(groups.get(i), job + "/static/" + i));
        }
        List<FileSdConfig> fileSd = new ArrayList<>();
        for (YamlSection f : s.sections("file_sd_configs")) {
            f.allowOnly(Set.of("files", "refresh_interval"));
            List<Path> files = new ArrayList<>();
            for (String pattern : f.strings("files")) {
                Path path = baseDir == null ? Path.of(pattern) : baseDir.resolve(pattern);
                files.add(path);
            }
            if (files.isEmpty()) {
                throw f.error("files", "file service discovery config must contain at least one path name");
            }
            fileSd.add(new FileSdConfig(files, positive(f, "refresh_interval", FileSdConfig.DEFAULT_REFRESH_INTERVAL)));
        }
        return new ScrapeJobConfig(job, interval, timeout, metricsPath, scheme, Map.copyOf(params),
                s.bool("honor_labels", false), s.bool("honor_timestamps", true), sampleLimit, http(s), statics,
                fileSd, relabel(s, "relabel_configs"), relabel(s, "metric_relabel_configs"));
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

    private static RemoteWriteConfig remoteWrite(YamlSection s) {
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
            throw s.error("url", "invalid remote_write url \"" + rawUrl + "\": " + e.getMessage());
        }
        if (url.getScheme() == null || !(url.getScheme().equals("http") || url.getScheme().equals("https"))
                || url.getHost() == null) {
            throw s.error("url", "remote_write url must be http(s)://host[:port]/path, got \"" + rawUrl + "\"");
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
        return new RemoteWriteConfig(url, s.string("name", ""),
                positive(s, "remote_timeout", RemoteWriteConfig.DEFAULT_REMOTE_TIMEOUT), s.stringMap("headers"),
                relabel(s, "write_relabel_configs"), queue, http(s));
    }

    private static HttpClientSettings http(YamlSection s) {
        HttpClientSettings.BasicAuth basic = null;
        YamlSection b = s.section("basic_auth");
        if (b != null) {
            b.allowOnly(Set.of("username", "password", "password_file"));
            basic = new HttpClientSettings.BasicAuth(b.string("username", ""), b.string("password", null),
                    b.string("password_file", null));
            if (basic.password() != null && basic.passwordFile() != null) {
                throw b.error("password_file", "at most one of basic_auth password & password_file must be configured");
            }
        }
        String token = s.string("bearer_token", null);
        String tokenFile = s.string("bearer_token_file", null);
        YamlSection a = s.section("authorization");
        if (a != null) {
            a.allowOnly(Set.of("type", "credentials", "credentials_file"));
            String type = a.string("type", "Bearer");
            if (!type.equalsIgnoreCase("Bearer")) {
                throw a.error("type", "only the Bearer authorization type is supported, got \"" + type + "\"");
            }
            token = a.string("credentials", token);
            tokenFile = a.string("credentials_file", tokenFile);
        }
        int auths = (basic != null ? 1 : 0) + (token != null ? 1 : 0) + (tokenFile != null ? 1 : 0);
        if (auths > 1) {
            throw s.error(basic != null ? "basic_auth" : "bearer_token",
                    "at most one of basic_auth, bearer_token & bearer_token_file must be configured");
        }
        HttpClientSettings.TlsSettings tls = HttpClientSettings.TlsSettings.NONE;
        YamlSection t = s.section("tls_config");
        if (t != null) {
            t.allowOnly(Set.of("ca_file", "cert_file", "key_file", "server_name", "insecure_skip_verify"));
            tls = new HttpClientSettings.TlsSettings(t.string("ca_file", null), t.string("cert_file", null),
                    t.string("key_file", null), t.string("server_name", null), t.bool("insecure_skip_verify", false));
            if ((tls.certFile() == null) != (tls.keyFile() == null)) {
                throw t.error(tls.certFile() == null ? "key_file" : "cert_file",
                        "client cert file and client key file must both be specified");
            }
        }
        return new HttpClientSettings(basic, token, tokenFile, tls);
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

    private static Duration positive(YamlSection s, String key, Duration fallback) {
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
