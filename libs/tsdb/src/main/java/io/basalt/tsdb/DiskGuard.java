package io.basalt.tsdb;

import java.io.IOException;
import java.lang.System.Logger.Level;

/**
 * Turns the engine read-only while free space under the data path is below {@code minFreeDiskSpaceBytes}, and
 * writable again once it is back: refusing inserts early beats failing a merge or a log write halfway. Space is
 * measured at most once per {@code freeSpaceCheckInterval} on the append path, and on every maintenance round.
 */
final class DiskGuard {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private final EngineConfig config;

    private volatile String readOnlyReason;

    /** A {@link System#nanoTime()} value, so compared by difference only; due at once. */
    private volatile long nextFreeSpaceCheck = System.nanoTime();

    DiskGuard(EngineConfig config) {
        this.config = config;
    }

    /** @throws ReadOnlyException when free space was below the floor at the latest measurement */
    void checkWritable() {
        long now = System.nanoTime();
        if (now - nextFreeSpaceCheck >= 0) {
            refresh();
        }
        String reason = readOnlyReason;
        if (reason != null) {
            throw new ReadOnlyException(reason);
        }
    }

    /** Measures free space now; a probe that fails leaves the state as it was. */
    void refresh() {
        nextFreeSpaceCheck = System.nanoTime() + config.freeSpaceCheckInterval().toNanos();
        long usable;
        try {
            usable = config.freeSpaceProbe().usableBytes(config.dataPath());
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "cannot measure free disk space at " + config.dataPath(), e);
            return;
        }
        String was = readOnlyReason;
        if (usable < config.minFreeDiskSpaceBytes()) {
            readOnlyReason = "storage is read-only: " + usable + " bytes free at " + config.dataPath()
                    + ", below minFreeDiskSpaceBytes=" + config.minFreeDiskSpaceBytes();
            if (was == null) {
                LOG.log(Level.WARNING, readOnlyReason);
            }
        }
        else if (was != null) {
            readOnlyReason = null;
            LOG.log(Level.INFO, "storage is writable again: " + usable + " bytes free at " + config.dataPath());
        }
    }

    boolean isReadOnly() {
        return readOnlyReason != null;
    }

    /** Why appends are refused, or null while they are not. */
    String readOnlyReason() {
        return readOnlyReason;
    }
}
