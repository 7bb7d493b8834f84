package io.basalt.e2e;

import io.basalt.model.Labels;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Holds one storage node's copy of the {@link RemoteWriteLoad} series to the sender's ledger: which acknowledged
 * samples of the series the node owns it lacks, which series it holds without owning them, and which samples it
 * holds that were never sent. Read the node alone (its {@code /internal/search}), not through select's merge.
 */
final class ReplicaLedger {

    private static final int EXAMPLES = 5;

    private final TenantId tenant;

    private final int series;

    ReplicaLedger(TenantId tenant, int series) {
        this.tenant = tenant;
        this.series = series;
    }

    /** What one node's copy lacks or has too much of; {@link #clean()} when it matches the ledger. */
    record Gap(String node, long missingSamples, int missingSeries, int unownedSeries, long unsentSamples,
            List<String> examples) {

        boolean clean() {
            return missingSamples == 0 && missingSeries == 0 && unownedSeries == 0 && unsentSamples == 0;
        }
    }

    /**
     * @param held      every drill-load series the node returned
     * @param placement the node list ownership is computed over (rendezvous hashing, {@code copies} owners)
     * @param acked     acknowledged steps per drill label, taken before the node was read
     * @param sent      sent steps per drill label, taken after the node was read
     */
    Gap compare(String node, List<TimeSeries> held, List<String> placement, int copies, Map<String, Set<Long>> acked,
            Map<String, Set<Long>> sent) {
        RendezvousRouter router = new RendezvousRouter(placement);
        int index = placement.indexOf(node);
        Map<String, TimeSeries> byKey = new HashMap<>();
        int unowned = 0;
        long unsent = 0;
        List<String> examples = new ArrayList<>();
        for (TimeSeries ts : held) {
            String drill = ts.labels().get("drill");
            if (!router.isOwner(SeriesHash.of(tenant, ts.labels()), index, copies)) {
                unowned++;
                note(examples, "holds unowned " + ts.labels());
            }
            Set<Long> sentSteps = sent.getOrDefault(drill, Set.of());
            for (int i = 0; i < ts.size(); i++) {
                if (!sentSteps.contains(ts.timestamp(i))) {
                    unsent++;
                    note(examples, "holds unsent " + ts.labels() + " @" + ts.timestamp(i));
                }
            }
            byKey.put(drill + "/" + ts.labels().get("series"), ts);
        }
        long missing = 0;
        int missingSeries = 0;
        for (Map.Entry<String, Set<Long>> e : acked.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            for (int s = 0; s < series; s++) {
                Labels labels = Labels.of("__name__", RemoteWriteLoad.METRIC, "drill", e.getKey(), "series",
                        Integer.toString(s));
                if (!router.isOwner(SeriesHash.of(tenant, labels), index, copies)) {
                    continue;
                }
                TimeSeries ts = byKey.get(e.getKey() + "/" + s);
                if (ts == null) {
                    missingSeries++;
                    missing += e.getValue().size();
                    note(examples, "lacks series " + labels);
                    continue;
                }
                Set<Long> times = new HashSet<>();
                for (int i = 0; i < ts.size(); i++) {
                    times.add(ts.timestamp(i));
                }
                for (long step : e.getValue()) {
                    if (!times.contains(step)) {
                        missing++;
                        note(examples, "lacks " + labels + " @" + step);
                    }
                }
            }
        }
        return new Gap(node, missing, missingSeries, unowned, unsent, examples);
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < EXAMPLES) {
            examples.add(example);
        }
    }
}
