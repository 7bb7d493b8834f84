package io.basalt.tsdb.index;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;

/** A series' identity across tenants; parts store series in this order. */
public record SeriesKey(TenantId tenant, Labels labels) implements Comparable<SeriesKey> {

    @Override
    public int compareTo(SeriesKey o) {
        int c = tenant.compareTo(o.tenant);
        return c != 0 ? c : labels.compareTo(o.labels);
    }
}
