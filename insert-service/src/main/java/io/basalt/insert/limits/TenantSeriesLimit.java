package io.basalt.insert.limits;

import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * {@code basalt.insert.max-active-series-per-tenant}: caps the distinct series a tenant wrote in the last hour, so one
 * tenant's label explosion cannot exhaust the storage nodes' memory. Series already known keep flowing; only new ones
 * beyond the cap are refused. Each insert node counts what it sees, so behind N insert replicas a tenant may reach up
 * to N times the cap in the worst case, as with VictoriaMetrics' per-vminsert limits.
 */
public final class TenantSeriesLimit {

    /** A series counts as active for at least this long after its last sample (at most twice as long). */
    public static final Duration WINDOW = Duration.ofHours(1);

    private final long maxSeries;

    private final LongSupplier clock;

    private final ConcurrentHashMap<TenantId, HashWindow> tenants = new ConcurrentHashMap<>();

    /** @param maxSeries 0 turns the limit off */
    public TenantSeriesLimit(long maxSeries, LongSupplier clock) {
        this.maxSeries = maxSeries;
        this.clock = clock;
    }

    public boolean isEnabled() {
        return maxSeries > 0;
    }

    /**
     * @param rejected receives every series refused because the tenant is at its cap
     * @return the series that may be stored, {@code series} itself when none was refused
     */
    public List<TimeSeries> admit(TenantId tenant, List<TimeSeries> series, Consumer<TimeSeries> rejected) {
        if (maxSeries <= 0 || series.isEmpty()) {
            return series;
        }
        HashWindow window = tenants.computeIfAbsent(tenant, t -> new HashWindow(WINDOW.toMillis(), clock.getAsLong()));
        List<TimeSeries> admitted = null;
        long now = clock.getAsLong();
        synchronized (window) {
            for (int i = 0; i < series.size(); i++) {
                TimeSeries ts = series.get(i);
                long hash = SeriesHash.of(tenant, ts.labels());
                boolean ok = window.touch(hash, now);
                if (!ok && window.size() < maxSeries) {
                    window.add(hash);
                    ok = true;
                }
                if (!ok && admitted == null) {
                    admitted = new ArrayList<>(series.subList(0, i));
                }
                if (!ok) {
                    rejected.accept(ts);
                }
                else if (admitted != null) {
                    admitted.add(ts);
                }
            }
        }
        return admitted == null ? series : admitted;
    }

    /** Distinct series the tenant wrote in the window, as counted here. */
    public long activeSeries(TenantId tenant) {
        HashWindow w = tenants.get(tenant);
        if (w == null) {
            return 0;
        }
        synchronized (w) {
            return w.size();
        }
    }
}
