package io.basalt.node.admission;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells whether the heap is nearly full by what survives garbage collection, the only reading that is not just
 * garbage waiting to be collected. Above {@code enterRatio} of the maximum heap after a collection the node is under
 * pressure and {@link AdmissionGate}s refuse new work (503 with {@code Retry-After}) instead of taking requests that
 * would end in an {@link OutOfMemoryError}; below {@code leaveRatio} after a later collection it takes work again.
 */
public final class HeapPressure {

    private static final Logger log = LoggerFactory.getLogger(HeapPressure.class);

    private static final long RECHECK_MS = 5_000;

    /** Never under pressure: for tests and tools. */
    public static final HeapPressure NONE = new HeapPressure(Double.MAX_VALUE, Double.MAX_VALUE);

    private final double enterRatio;

    private final double leaveRatio;

    private volatile boolean high;

    private volatile double lastRatio;

    private final AtomicLong episodes = new AtomicLong();

    HeapPressure(double enterRatio, double leaveRatio) {
        this.enterRatio = enterRatio;
        this.leaveRatio = leaveRatio;
    }

    /** Watches this JVM's collections. */
    public static HeapPressure watchingThisJvm(double enterRatio, double leaveRatio) {
        if (!(enterRatio > leaveRatio && leaveRatio > 0 && enterRatio <= 1)) {
            throw new IllegalArgumentException("need 0 < leaveRatio < enterRatio <= 1, got enter " + enterRatio
                    + " and leave " + leaveRatio);
        }
        HeapPressure pressure = new HeapPressure(enterRatio, leaveRatio);
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener((notification, handback) -> {
                    if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(
                            notification.getType())) {
                        var info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
                        pressure.afterCollection(info.getGcInfo().getMemoryUsageAfterGc(),
                                info.getGcAction().contains("major"));
                    }
                }, null, null);
            }
        }
        Thread recheck = new Thread(pressure::recheckWhileHigh, "heap-pressure-recheck");
        recheck.setDaemon(true);
        recheck.start();
        return pressure;
    }

    /**
     * While refusing work the node allocates little, so the old generation may never be collected again and the
     * reading would stay high for good: a full collection every few seconds measures it anew.
     */
    private void recheckWhileHigh() {
        while (true) {
            try {
                Thread.sleep(RECHECK_MS);
            }
            catch (InterruptedException e) {
                return;
            }
            if (high) {
                System.gc();
            }
        }
    }

    /**
     * Feeds the heap pools' usage after one collection. Only a major (full or old-generation) collection can put the
     * node under pressure: after a minor one the old generation still holds its garbage. Any collection can end it.
     */
    void afterCollection(Map<String, MemoryUsage> afterGc, boolean major) {
        long used = 0;
        long max = 0;
        for (var e : afterGc.entrySet()) {
            if (isHeapPool(e.getKey())) {
                used += e.getValue().getUsed();
                max += Math.max(0, e.getValue().getMax());
            }
        }
        if (max <= 0) {
            return;
        }
        record(used, max, major);
    }

    /** One reading: {@code used} of {@code max} heap bytes are in use after a collection. */
    void record(long used, long max, boolean major) {
        double ratio = (double) used / max;
        lastRatio = ratio;
        if (!high && major && ratio >= enterRatio) {
            high = true;
            episodes.incrementAndGet();
            log.warn("heap {}% full after garbage collection (limit {}%): refusing new requests with 503 until it "
                    + "falls below {}%; give the JVM more heap (-Xmx, or the container's memory limit) or lower the "
                    + "load", percent(ratio), percent(enterRatio), percent(leaveRatio));
        }
        else if (high && ratio < leaveRatio) {
            high = false;
            log.info("heap {}% full after garbage collection: taking requests again", percent(ratio));
        }
    }

    private static boolean isHeapPool(String name) {
        // HotSpot's heap pools for every collector; metaspace and code cache are not heap
        return name.contains("Eden") || name.contains("Survivor") || name.contains("Old Gen")
                || name.contains("Tenured") || name.contains("G1 Old") || name.contains("Old Space");
    }

    private static long percent(double ratio) {
        return Math.round(ratio * 100);
    }

    public boolean isHigh() {
        return high;
    }

    /** Live share of the heap after the latest collection, 0..1. */
    public double lastRatio() {
        return lastRatio;
    }

    /** How many times the node has come under pressure since start. */
    public long episodes() {
        return episodes.get();
    }

    /** Why a request is refused right now. */
    String refusal(String gate) {
        return gate + ": heap " + percent(lastRatio) + "% full after garbage collection (over "
                + percent(enterRatio) + "%); refusing new requests until it falls below " + percent(leaveRatio)
                + "%; retry later";
    }
}
