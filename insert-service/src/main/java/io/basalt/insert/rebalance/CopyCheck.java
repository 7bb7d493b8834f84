package io.basalt.insert.rebalance;

import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Whether an owner holds every sample copied to it. A digest cannot tell: the owner may rightly hold more of the same
 * series (samples written to it directly, before or after the list changed), so the copy is checked sample by sample
 * against what the owner answers for the range.
 */
final class CopyCheck {

    private CopyCheck() {
    }

    /** How many samples of {@code copied} (timestamp and value bits) {@code held} lacks. */
    static long missingSamples(List<TimeSeries> copied, List<TimeSeries> held) {
        Map<Labels, TimeSeries> byLabels = byLabels(held);
        long missing = 0;
        for (TimeSeries want : copied) {
            missing += missing(want, byLabels.get(want.labels()));
        }
        return missing;
    }

    /** The series of {@code copied} that {@code held} lacks at least one sample of. */
    static List<TimeSeries> lacking(List<TimeSeries> copied, List<TimeSeries> held) {
        Map<Labels, TimeSeries> byLabels = byLabels(held);
        List<TimeSeries> out = new ArrayList<>();
        for (TimeSeries want : copied) {
            if (missing(want, byLabels.get(want.labels())) > 0) {
                out.add(want);
            }
        }
        return out;
    }

    private static Map<Labels, TimeSeries> byLabels(List<TimeSeries> held) {
        Map<Labels, TimeSeries> byLabels = new HashMap<>();
        for (TimeSeries ts : held) {
            byLabels.put(ts.labels(), ts);
        }
        return byLabels;
    }

    private static long missing(TimeSeries want, TimeSeries have) {
        if (have == null) {
            return want.size();
        }
        Map<Long, Long> values = new HashMap<>(have.size() * 2);
        for (int i = 0; i < have.size(); i++) {
            values.put(have.timestamp(i), Double.doubleToRawLongBits(have.value(i)));
        }
        long missing = 0;
        for (int i = 0; i < want.size(); i++) {
            Long bits = values.get(want.timestamp(i));
            if (bits == null || bits != Double.doubleToRawLongBits(want.value(i))) {
                missing++;
            }
        }
        return missing;
    }
}
