package io.basalt.scrape;

import io.basalt.model.Labels;
import io.basalt.relabel.Relabeler;
import io.basalt.scrape.config.AgentConfig;
import io.basalt.scrape.config.DiscoveryConfig;
import io.basalt.scrape.config.ScrapeJobConfig;
import io.basalt.scrape.config.TargetGroup;
import io.basalt.scrape.discovery.Discoveries;
import io.basalt.scrape.discovery.JndiDnsResolver;
import io.basalt.scrape.discovery.TargetDiscovery;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one {@link ScrapeLoop} per target of every job, keeps them in step with config reloads and service discovery,
 * and spreads each job's scrapes over its interval with a per-target offset derived from the target's identity, so a
 * target is scraped at the same phase after every restart (Prometheus' jitter).
 */
public final class ScrapeManager implements AutoCloseable {

    private static final System.Logger log = System.getLogger(ScrapeManager.class.getName());

    private final SampleSink sink;

    private final Clock clock;

    private final long maxScrapeBytes;

    private final long jitterSeed;

    private final ScrapeListener listener;

    private final ScheduledExecutorService scheduler;

    private final ExecutorService workers;

    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /** Discovery may wait on the network, so it has a thread of its own rather than delay scrape ticks. */
    private final ScheduledExecutorService discoveryThread;

    private final Discoveries discoveries;

    /** A dropped target as {@code /api/v1/targets} shows it. */
    public record DroppedTarget(String job, Labels discoveredLabels, String reason) {
    }

    private final class Job {

        final ScrapeJobConfig config;

        final Relabeler relabeler;

        final TargetFetcher fetcher;

        final List<TargetDiscovery> discovery = new ArrayList<>();

        final Map<String, Running> loops = new LinkedHashMap<>();

        List<DroppedTarget> dropped = List.of();

        Job(ScrapeJobConfig config) {
            this.config = config;
            this.relabeler = Relabeler.of(config.relabelConfigs());
            long bodyLimit = config.limits().bodySizeLimit() > 0 ? config.limits().bodySizeLimit() : maxScrapeBytes;
            this.fetcher = new TargetFetcher(config.http(), workers, bodyLimit);
            for (DiscoveryConfig d : config.discoveryConfigs()) {
                String kind = Discoveries.kind(d);
                discovery.add(discoveries.create("job \"" + config.jobName() + "\" " + kind + "_configs", d,
                        ok -> listener.discoveryRefreshed(config.jobName(), kind, ok)));
            }
        }
    }

    private record Running(ScrapeLoop loop, ScheduledFuture<?> schedule) {
    }

    /**
     * @param jitterSeed mixed into every target's offset; derive it from the host and external labels so that two
     *                   agents scraping the same targets do not scrape in lockstep
     */
    public ScrapeManager(SampleSink sink, Clock clock, long maxScrapeBytes, Duration fileSdCheckInterval,
            long jitterSeed, ScrapeListener listener) {
        this(sink, clock, maxScrapeBytes, fileSdCheckInterval, jitterSeed, listener,
                new Discoveries(JndiDnsResolver.system()));
    }

    /**
     * @param discoveryCheckInterval how often discovery entries are checked: file_sd files for changes, and the
     *                               others whether their refresh_interval has passed
     */
    public ScrapeManager(SampleSink sink, Clock clock, long maxScrapeBytes, Duration discoveryCheckInterval,
            long jitterSeed, ScrapeListener listener, Discoveries discoveries) {
        this.sink = sink;
        this.discoveries = discoveries;
        this.clock = clock;
        this.maxScrapeBytes = maxScrapeBytes;
        this.jitterSeed = jitterSeed;
        this.listener = listener;
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(1, r -> daemon(r, "scrape-scheduler"));
        this.workers = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()),
                r -> daemon(r, "scrape-worker-" + n.incrementAndGet()));
        this.discoveryThread = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "scrape-discovery"));
        long check = discoveryCheckInterval.toMillis();
        discoveryThread.scheduleWithFixedDelay(this::refreshDiscovery, check, check, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts, keeps or stops jobs and targets to match {@code config}. */
    public synchronized void apply(AgentConfig config) {
        Map<String, ScrapeJobConfig> wanted = new LinkedHashMap<>();
        config.scrapeConfigs().forEach(j -> wanted.put(j.jobName(), j));
        for (var it = jobs.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            ScrapeJobConfig next = wanted.get(e.getKey());
            if (next == null || !next.equals(e.getValue().config)) {
                e.getValue().loops.values().forEach(this::stop);
                e.getValue().discovery.forEach(TargetDiscovery::close);
                it.remove();
            }
        }
        boolean remote = false;
        for (ScrapeJobConfig jc : wanted.values()) {
            Job job = jobs.computeIfAbsent(jc.jobName(), k -> new Job(jc));
            long now = clock.millis();
            for (TargetDiscovery d : job.discovery) {
                // Files are read at once, so their targets start with the config; the network is asked off this lock.
                if (d.remote()) {
                    remote = true;
                }
                else {
                    d.refresh(now);
                }
            }
            sync(job);
        }
        if (remote) {
            discoveryThread.execute(this::refreshDiscovery);
        }
    }

    private void refreshDiscovery() {
        try {
            List<Job> current;
            synchronized (this) {
                current = List.copyOf(jobs.values());
            }
            for (Job job : current) {
                boolean changed = false;
                for (TargetDiscovery d : job.discovery) {
                    changed |= d.refresh(clock.millis());
                }
                if (changed) {
                    synchronized (this) {
                        // A reload may have replaced the job meanwhile; its own discovery syncs it.
                        if (jobs.get(job.config.jobName()) == job) {
                            sync(job);
                        }
                    }
                }
            }
        }
        catch (RuntimeException e) {
            log.log(System.Logger.Level.WARNING, "service discovery refresh failed", e);
        }
    }

    private void sync(Job job) {
        List<TargetGroup> groups = new ArrayList<>(job.config.staticConfigs());
        job.discovery.forEach(d -> groups.addAll(d.groups()));
        Map<String, ScrapeTarget> targets = new LinkedHashMap<>();
        List<DroppedTarget> dropped = new ArrayList<>();
        for (TargetGroup g : groups) {
            for (String address : g.targets()) {
                TargetLabels.Result r = TargetLabels.populate(job.config, job.relabeler, g.labels(), address);
                if (r.target() == null) {
                    dropped.add(new DroppedTarget(job.config.jobName(), r.discovered(), r.error()));
                }
                else {
                    targets.putIfAbsent(r.target().key(), r.target());
                }
            }
        }
        job.dropped = List.copyOf(dropped);
        for (var it = job.loops.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            if (!targets.containsKey(e.getKey())) {
                stop(e.getValue());
                it.remove();
            }
        }
        for (var e : targets.entrySet()) {
            if (!job.loops.containsKey(e.getKey())) {
                job.loops.put(e.getKey(), start(e.getValue()));
            }
        }
        long limit = job.config.limits().targetLimit();
        String forced = limit > 0 && targets.size() > limit
                ? "target_limit exceeded (number of targets: " + targets.size() + ", limit: " + limit + ")" : null;
        job.loops.values().forEach(r -> r.loop.forceError(forced));
    }

    private Running start(ScrapeTarget target) {
        ScrapeLoop loop = new ScrapeLoop(target, fetcherFor(target), sink, workers, clock, listener::scrapeFinished);
        long interval = target.job().scrapeInterval().toMillis();
        long offset = offsetMillis(target, interval, clock.millis(), jitterSeed);
        ScheduledFuture<?> f = scheduler.scheduleAtFixedRate(loop::tick, offset, interval, TimeUnit.MILLISECONDS);
        return new Running(loop, f);
    }

    private TargetFetcher fetcherFor(ScrapeTarget target) {
        return jobs.get(target.job().jobName()).fetcher;
    }

    private void stop(Running r) {
        r.schedule.cancel(false);
        workers.execute(() -> {
            r.loop.stop();
            listener.targetStopped(r.loop.target());
        });
    }

    /**
     * The delay until this target's next slot: its slots sit at a fixed phase within the interval, derived from the
     * target's identity and the seed, as Prometheus' {@code scrapeLoop.offset}.
     */
    static long offsetMillis(ScrapeTarget target, long interval, long nowMillis, long seed) {
        long base = interval - Math.floorMod(nowMillis, interval);
        long phase = Long.remainderUnsigned(fnv1a(target.key()) ^ seed, interval);
        return (base + phase) % interval;
    }

    static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xFF;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** Every running loop, job by job. */
    public synchronized List<ScrapeLoop> loops() {
        List<ScrapeLoop> out = new ArrayList<>();
        jobs.values().forEach(j -> j.loops.values().forEach(r -> out.add(r.loop)));
        return out;
    }

    public synchronized List<DroppedTarget> droppedTargets() {
        List<DroppedTarget> out = new ArrayList<>();
        jobs.values().forEach(j -> out.addAll(j.dropped));
        return out;
    }

    /** Stops every loop, writing their staleness markers, and the threads. */
    @Override
    public void close() {
        List<ScrapeLoop> stopping = new ArrayList<>();
        synchronized (this) {
            discoveryThread.shutdownNow();
            for (Job j : jobs.values()) {
                j.discovery.forEach(TargetDiscovery::close);
                j.loops.values().forEach(r -> {
                    r.schedule.cancel(false);
                    stopping.add(r.loop);
                });
            }
            jobs.clear();
        }
        for (ScrapeLoop loop : stopping) {
            loop.stop();
            listener.targetStopped(loop.target());
        }
        scheduler.shutdownNow();
        workers.shutdown();
        try {
            workers.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
