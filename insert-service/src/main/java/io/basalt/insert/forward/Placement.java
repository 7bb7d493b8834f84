package io.basalt.insert.forward;

import io.basalt.model.RendezvousRouter;
import io.basalt.node.membership.StorageNodeList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * One version of the storage node list as a write sees it from start to end: the nodes listed, and the router over
 * the ones that take new series copies (every listed node that is not draining). Nodes are named by their index in
 * {@link StorageNodes}, which stays the same for a node across list changes, so a write that started before a change
 * finishes on the nodes it chose.
 */
public final class Placement {

    private final StorageNodeList list;

    private final int[] listed;

    private final int[] placed;

    private final RendezvousRouter router;

    Placement(StorageNodeList list, int[] listed, int[] placed) {
        this.list = list;
        this.listed = listed;
        this.placed = placed;
        this.router = new RendezvousRouter(list.placementUrls());
    }

    public StorageNodeList list() {
        return list;
    }

    /** Indices of every listed node, draining or not. */
    public int[] listed() {
        return listed.clone();
    }

    /** How many nodes take new copies. */
    public int placedCount() {
        return placed.length;
    }

    /** The index of the {@code k}-th node that takes new copies. */
    public int placedNode(int k) {
        return placed[k];
    }

    /** The addresses new copies are placed on, in router order: what storage is given to tell owners apart. */
    public List<String> placementUrls() {
        return list.placementUrls();
    }

    /**
     * Fills {@code out} with the node indices of the best-ranked placement nodes that {@code usable} (given node
     * indices) accepts, best first; see {@link RendezvousRouter#pick}.
     */
    public int pick(long seriesHash, IntPredicate usable, int[] out) {
        int found = router.pick(seriesHash, k -> usable.test(placed[k]), out);
        for (int i = 0; i < found; i++) {
            out[i] = placed[out[i]];
        }
        return found;
    }
}
