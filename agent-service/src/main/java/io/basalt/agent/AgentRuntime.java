package io.basalt.agent;

import io.basalt.agent.remotewrite.RemoteWriteQueue;
import io.basalt.agent.remotewrite.RemoteWriteTransport;
import io.basalt.agent.remotewrite.UrlSharding;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.basalt.queue.DiskQueue;
import io.basalt.scrape.SampleSink;
import io.basalt.scrape.ScrapeManager;
import io.basalt.scrape.config.AgentConfig;
import io.basalt.scrape.config.AgentConfigLoader;
import io.basalt.scrape.config.InvalidAgentConfigException;
import io.basalt.scrape.config.RemoteWriteConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The running agent: the loaded config, one {@link RemoteWriteQueue} per remote_write entry and the
 * {@link ScrapeManager}. Reloading swaps in a new config only if it loads completely; queues whose entry did not
 * change keep running, so a reload loses nothing that is queued.
 */
@Component
public class AgentRuntime implements SmartLifecycle, SampleSink {

    private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);

    private final AgentProperties properties;

    private final RemoteWriteTransport.Factory transports;

    private final AgentMetrics metrics;

    private final Clock clock;

    private volatile AgentConfig config;

    private volatile List<RemoteWriteQueue> queues = List.of();

    private final ReentrantReadWriteLock switching = new ReentrantReadWriteLock();

    private ScrapeManager scrapes;

    private volatile boolean running;

    private volatile long lastReloadMillis;

    private volatile boolean lastReloadSucceeded = true;

    /** {@code null} when every queue gets every series. */
    private final UrlSharding sharding;

    public AgentRuntime(AgentProperties properties, RemoteWriteTransport.Factory transports, AgentMetrics metrics) {
        this.properties = properties;
        this.transports = transports;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
        this.sharding = properties.isShardByUrl() ? new UrlSharding(properties.getShardByUrlReplicas(),
                Set.copyOf(properties.getShardByUrlLabels())) : null;
    }

    @Override
    public synchronized void start() {
        AgentConfig loaded = load();
        applyRemoteWrite(loaded);
        scrapes = new ScrapeManager(this, clock, properties.getMaxScrapeSize().toBytes(),
                properties.getFileSdCheckInterval(), jitterSeed(loaded), metrics);
        scrapes.apply(loaded);
        config = loaded;
        lastReloadMillis = clock.millis();
        running = true;
        log.info("agent started: {} scrape jobs, {} remote_write targets from {}", loaded.scrapeConfigs().size(),
                loaded.remoteWrite().size(), properties.getConfigFile());
    }

    private AgentConfig load() {
        try {
            return AgentConfigLoader.load(Path.of(properties.getConfigFile()));
        }
        catch (InvalidAgentConfigException e) {
            throw new InvalidAgentConfigException("basalt.agent.config-file=" + properties.getConfigFile() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Re-reads the config file. On any error the running config stays and the error is thrown.
     */
    public synchronized void reload() {
        AgentConfig loaded;
        try {
            loaded = load();
        }
        catch (InvalidAgentConfigException e) {
            lastReloadSucceeded = false;
            metrics.reloaded(false);
            throw e;
        }
        applyRemoteWrite(loaded);
        scrapes.apply(loaded);
        config = loaded;
        lastReloadMillis = clock.millis();
        lastReloadSucceeded = true;
        metrics.reloaded(true);
        log.info("config reloaded from {}", properties.getConfigFile());
    }

    private void applyRemoteWrite(AgentConfig next) {
        Labels external = next.global().externalLabels();
        AgentConfig previous = config;
        Map<RemoteWriteConfig, RemoteWriteQueue> reusable = new LinkedHashMap<>();
        if (previous != null && previous.global().externalLabels().equals(external)) {
            for (RemoteWriteQueue q : queues) {
                reusable.put(q.config(), q);
            }
        }
        List<RemoteWriteQueue> kept = new ArrayList<>();
        for (RemoteWriteConfig rw : next.remoteWrite()) {
            if (reusable.containsKey(rw)) {
                kept.add(reusable.get(rw));
            }
        }
        // A changed entry for the same URL reopens the same directory: the old queue must be closed first, and no
        // sample may be written in between, so writers wait on the lock.
        switching.writeLock().lock();
        try {
            for (RemoteWriteQueue q : queues) {
                if (!kept.contains(q)) {
                    q.close();
                }
            }
            List<RemoteWriteQueue> opened = new ArrayList<>();
            for (RemoteWriteConfig rw : next.remoteWrite()) {
                RemoteWriteQueue q = reusable.get(rw);
                if (q == null || !kept.contains(q)) {
                    DiskQueue disk = DiskQueue.open(queueDir(rw), properties.getMaxDiskUsage().toBytes());
                    q = new RemoteWriteQueue(rw, external, disk, transports.forConfig(rw), properties.getSendShards(),
                            properties.getFsyncInterval(), metrics.forRemoteWrite(rw, disk));
                }
                else {
                    kept.remove(q);
                }
                opened.add(q);
            }
            queues = List.copyOf(opened);
        }
        finally {
            switching.writeLock().unlock();
        }
    }

    /** One directory per URL, so that a reload that reorders entries still finds each backlog. */
    private Path queueDir(RemoteWriteConfig rw) {
        String id = HexFormat.of().toHexDigits(fnv(rw.url().toString()));
        return Path.of(properties.getDataPath(), "queue", id);
    }

    private static long fnv(String s) {
        long h = 0xcbf29ce484222325L;
        for (char c : s.toCharArray()) {
            h ^= c;
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long jitterSeed(AgentConfig config) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (Exception e) {
            host = "";
        }
        return fnv(host + config.global().externalLabels());
    }

    /** Scraped samples go to every remote_write queue (or, sharding, to their share of them), in batches. */
    @Override
    public void write(List<TimeSeries> series) {
        switching.readLock().lock();
        try {
            forEachShare(series, RemoteWriteQueue::write);
        }
        finally {
            switching.readLock().unlock();
        }
    }

    /** Hands each queue the series it takes: all of them, or with {@code shard-by-url} its share. */
    private void forEachShare(List<TimeSeries> series, BiConsumer<RemoteWriteQueue, List<TimeSeries>> take) {
        List<RemoteWriteQueue> all = queues;
        if (sharding == null || all.size() < 2) {
            for (RemoteWriteQueue q : all) {
                take.accept(q, series);
            }
            return;
        }
        long[] urls = new long[all.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = UrlSharding.urlHash(all.get(i).config().url().toString());
        }
        List<List<TimeSeries>> shares = sharding.split(series, urls);
        for (int i = 0; i < urls.length; i++) {
            if (!shares.get(i).isEmpty()) {
                take.accept(all.get(i), shares.get(i));
            }
        }
    }

    /**
     * Samples pushed to the agent, whose sender is told they are safe once this returns: they go to the disk queue of
     * every remote_write (or, sharding, of their share) at once instead of waiting in memory for a full batch, so a
     * {@code kill -9} after the acknowledgement cannot lose them.
     *
     * @throws io.basalt.agent.remotewrite.QueueAppendException when a disk queue cannot take them; the sender must
     *         retry (queues that took them send them again: at least once, as remote write is)
     */
    public void push(List<TimeSeries> series) {
        switching.readLock().lock();
        try {
            forEachShare(series, RemoteWriteQueue::append);
        }
        finally {
            switching.readLock().unlock();
        }
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (scrapes != null) {
            scrapes.close();
        }
        for (RemoteWriteQueue q : queues) {
            q.close();
        }
        queues = List.of();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    public AgentConfig config() {
        return config;
    }

    public List<RemoteWriteQueue> queues() {
        return queues;
    }

    public ScrapeManager scrapes() {
        return scrapes;
    }

    public long lastReloadMillis() {
        return lastReloadMillis;
    }

    public boolean lastReloadSucceeded() {
        return lastReloadSucceeded;
    }
}
