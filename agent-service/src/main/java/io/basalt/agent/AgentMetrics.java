package io.basalt.agent;

import io.basalt.agent.remotewrite.RemoteWriteMetrics;
import io.basalt.queue.DiskQueue;
import io.basalt.scrape.ScrapeListener;
import io.basalt.scrape.ScrapeLoop;
import io.basalt.scrape.ScrapeTarget;
import io.basalt.scrape.config.RemoteWriteConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Every metric the agent exports, in one place (Prometheus names after Micrometer's renaming):
 * <ul>
 * <li>{@code basalt_agent_scrapes_total{job,result}}: scrapes finished, {@code result} = success | failure</li>
 * <li>{@code basalt_agent_samples_scraped_total{job}}: samples read from target pages</li>
 * <li>{@code basalt_agent_samples_kept_total{job}}: samples left after metric relabeling and written</li>
 * <li>{@code basalt_agent_target_up{job,instance}}: 1 when the target's last scrape succeeded</li>
 * <li>{@code basalt_agent_scrape_duration_seconds{job}}: scrape latency</li>
 * <li>{@code basalt_agent_remote_write_samples_sent_total{url}} and {@code ..._bytes_sent_total{url}}</li>
 * <li>{@code basalt_agent_remote_write_samples_dropped_total{url,reason}}: reason = relabel | http_4xx |
 * queue_full | append_failed</li>
 * <li>{@code basalt_agent_remote_write_retries_total{url,cause}}</li>
 * <li>{@code basalt_agent_remote_write_append_failures_total{url}}: blocks the disk queue could not take (a push
 * is then answered 503; scraped samples are counted as dropped with reason {@code append_failed})</li>
 * <li>{@code basalt_agent_push_refused_total{reason}}: push requests answered 503, reason = too_busy |
 * append_failed</li>
 * <li>{@code basalt_agent_remote_write_send_duration_seconds{url}}: latency of successful sends</li>
 * <li>{@code basalt_agent_remote_write_queue_bytes{url}}, {@code ..._queue_blocks{url}},
 * {@code ..._queue_age_seconds{url}}: the on-disk backlog</li>
 * <li>{@code basalt_agent_discovery_refreshes_total{job,mechanism,result}}: looks of http_sd, dns_sd and consul_sd,
 * and kubernetes_sd's lists and watches (a failed one keeps the targets found before)</li>
 * <li>{@code basalt_agent_config_reloads_total{result}}</li>
 * </ul>
 */
@Component
public class AgentMetrics implements ScrapeListener {

    private final MeterRegistry registry;

    /** By job and instance; guarded by {@code this}. */
    private final Map<String, TargetUp> targetUp = new HashMap<>();

    /**
     * The disk queue each URL's backlog gauges read. A reload that changes a remote_write entry reopens the URL's
     * directory in a new queue, and the gauges, registered once per URL, follow it here.
     */
    private final Map<String, AtomicReference<DiskQueue>> backlogs = new ConcurrentHashMap<>();

    private final Map<String, RemoteWriteMetrics> perUrl = new ConcurrentHashMap<>();

    public AgentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One target_up series, shared by the targets of a job that have the same instance label. */
    private static final class TargetUp {

        final AtomicInteger value = new AtomicInteger();

        final Set<String> targets = new HashSet<>();

        Gauge gauge;
    }

    @Override
    public void scrapeFinished(ScrapeLoop.ScrapeReport r) {
        String job = r.target().job().jobName();
        String instance = r.target().labels().get("instance");
        registry.counter("basalt.agent.scrapes", "job", job, "result", r.error() == null ? "success" : "failure")
                .increment();
        registry.counter("basalt.agent.samples.scraped", "job", job).increment(r.scraped());
        registry.counter("basalt.agent.samples.kept", "job", job).increment(r.kept());
        Timer.builder("basalt.agent.scrape.duration").tag("job", job).register(registry)
                .record((long) (r.durationSeconds() * 1e9), TimeUnit.NANOSECONDS);
        synchronized (this) {
            TargetUp up = targetUp.computeIfAbsent(job + "\u0000" + instance, k -> {
                TargetUp t = new TargetUp();
                t.gauge = Gauge.builder("basalt.agent.target.up", t.value, AtomicInteger::get).tag("job", job)
                        .tag("instance", instance).register(registry);
                return t;
            });
            up.targets.add(r.target().key());
            up.value.set(r.error() == null ? 1 : 0);
        }
    }

    @Override
    public void discoveryRefreshed(String job, String mechanism, boolean success) {
        registry.counter("basalt.agent.discovery.refreshes", "job", job, "mechanism", mechanism, "result",
                success ? "success" : "failure").increment();
    }

    /** A target that is gone leaves no series of its own behind on {@code /actuator/prometheus}. */
    @Override
    public synchronized void targetStopped(ScrapeTarget target) {
        String key = target.job().jobName() + "\u0000" + target.labels().get("instance");
        TargetUp up = targetUp.get(key);
        if (up != null && up.targets.remove(target.key()) && up.targets.isEmpty()) {
            registry.remove(up.gauge);
            targetUp.remove(key);
        }
    }

    /** A push request answered 503: {@code too_busy} (admission gate) or {@code append_failed} (disk queue). */
    public void pushRefused(String reason) {
        registry.counter("basalt.agent.push.refused", "reason", reason).increment();
    }

    void reloaded(boolean success) {
        registry.counter("basalt.agent.config.reloads", "result", success ? "success" : "failure").increment();
    }

    /** The metrics of one remote_write URL, whose backlog gauges now read {@code disk}. */
    RemoteWriteMetrics forRemoteWrite(RemoteWriteConfig rw, DiskQueue disk) {
        String url = rw.redactedUrl();
        backlogs.computeIfAbsent(url, u -> new AtomicReference<>()).set(disk);
        return perUrl.computeIfAbsent(url, u -> {
            AtomicReference<DiskQueue> backlog = backlogs.get(u);
            queueGauge("basalt.agent.remote.write.queue.bytes", u, backlog, DiskQueue::sizeBytes);
            queueGauge("basalt.agent.remote.write.queue.blocks", u, backlog, DiskQueue::pendingBlocks);
            queueGauge("basalt.agent.remote.write.queue.age.seconds", u, backlog, q -> {
                long oldest = q.oldestPendingMillis();
                return oldest == 0 ? 0 : (System.currentTimeMillis() - oldest) / 1000.0;
            });
            Counter sent = registry.counter("basalt.agent.remote.write.samples.sent", "url", u);
            Counter bytes = registry.counter("basalt.agent.remote.write.bytes.sent", "url", u);
            Counter appendFailures = registry.counter("basalt.agent.remote.write.append.failures", "url", u);
            Timer latency = Timer.builder("basalt.agent.remote.write.send.duration").tag("url", u).register(registry);
            return new RemoteWriteMetrics() {
                @Override
                public void samplesSent(long samples, long sentBytes, double seconds) {
                    sent.increment(samples);
                    bytes.increment(sentBytes);
                    latency.record((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
                }

                @Override
                public void samplesDropped(String reason, long samples) {
                    registry.counter("basalt.agent.remote.write.samples.dropped", "url", u, "reason", reason)
                            .increment(samples);
                }

                @Override
                public void appendFailed(long samples) {
                    appendFailures.increment();
                }

                @Override
                public void retried(String cause) {
                    registry.counter("basalt.agent.remote.write.retries", "url", u, "cause", cause).increment();
                }
            };
        });
    }

    private void queueGauge(String name, String url, AtomicReference<DiskQueue> backlog,
            ToDoubleFunction<DiskQueue> value) {
        Gauge.builder(name, backlog, b -> {
            DiskQueue q = b.get();
            return q == null ? 0 : value.applyAsDouble(q);
        }).tag("url", url).register(registry);
    }
}
