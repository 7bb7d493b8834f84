package io.basalt.insert.rebalance;

import io.basalt.model.RendezvousRouter;
import io.basalt.model.SeriesHash;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the series a node holds but does not own under the current node list go: each to every owner (the
 * {@code replicationFactor} best-ranked placement nodes) other than the holder. A series whose newest sample on the
 * holder is not yet older than the settle time is left for a later pass: writes routed under the previous list, and
 * copies owed to the holder, may still be arriving, and the holder deletes a series only whole.
 *
 * @param copies per owner address, the series to copy there
 * @param ready the series that move now: copied to every owner, then dropped from the holder once verified
 * @param settling how many misplaced series wait for the settle time
 */
public record MovePlan(Map<String, List<TimeSeries>> copies, List<TimeSeries> ready, int settling) {

    /**
     * @param holder the node the series were read from
     * @param misplaced what the holder answered: series whose owners, it says, do not include it
     * @param placement the addresses of the nodes that take copies (draining ones excluded)
     * @param settledBefore the time before which a series' samples must all lie for it to move now
     */
    public static MovePlan of(TenantId tenant, String holder, List<TimeSeries> misplaced, List<String> placement,
            int replicationFactor, long settledBefore) {
        RendezvousRouter router = new RendezvousRouter(placement);
        int[] owners = new int[Math.min(replicationFactor, placement.size())];
        Map<String, List<TimeSeries>> copies = new LinkedHashMap<>();
        List<TimeSeries> ready = new ArrayList<>();
        int settling = 0;
        for (TimeSeries ts : misplaced) {
            int found = router.pick(SeriesHash.of(tenant, ts.labels()), n -> true, owners);
            boolean holderOwns = false;
            for (int i = 0; i < found; i++) {
                holderOwns |= placement.get(owners[i]).equals(holder);
            }
            if (holderOwns || ts.size() == 0) {
                // The holder's answer was computed from the same list; a disagreement means it was not, so leave it.
                continue;
            }
            if (ts.timestamp(ts.size() - 1) >= settledBefore) {
                settling++;
                continue;
            }
            ready.add(ts);
            for (int i = 0; i < found; i++) {
                copies.computeIfAbsent(placement.get(owners[i]), k -> new ArrayList<>()).add(ts);
            }
        }
        return new MovePlan(copies, ready, settling);
    }
}
