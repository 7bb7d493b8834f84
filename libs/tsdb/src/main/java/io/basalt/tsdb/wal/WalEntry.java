package io.basalt.tsdb.wal;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;

/**
 * Samples of one series as logged. {@code seriesId} is the engine's in-process id; the log maps it back to the label
 * set through a series record written once per segment, so ids never need to survive a restart.
 */
public record WalEntry(int seriesId, TenantId tenant, Labels labels, long[] timestamps, double[] values, int offset,
        int length) {
}
