package io.basalt.promql.engine;

import io.basalt.model.TimeSeries;
import io.basalt.promql.parser.Expr;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Range functions over a selector ({@code rate(x[5m])}, {@code max_over_time(x[1h])}, ...) in a range query,
 * computed series by series for a block of steps at a time, then handed out step by step.
 *
 * <p>Evaluating step by step visits every series once per step, and with tens of thousands of series each visit
 * misses the CPU caches (the series' timestamps, values and window positions are all over the heap); that, not
 * arithmetic, was most of the cost of a dashboard query over 56,000 CPU series. Walking one series through a block
 * of consecutive steps keeps its data in cache. The results are the same: each step's window and function are
 * exactly those of the step-by-step path ({@link Evaluator#window}, {@link Functions#applyRangeFunction}).
 */
final class StepBlocks {

    /** Steps per block: enough to stay in cache per series, few enough that a block's elements stay small. */
    private static final int BLOCK_STEPS = 16;

    private final Evaluator ev;

    private final long start;

    private final long end;

    private final long step;

    private final Map<Expr.Call, Block> blocks = new IdentityHashMap<>();

    /** Results for steps {@code first}, {@code first + step}, ...; a null element means no sample in that window. */
    private record Block(long first, Value.Element[][] byStep) {
    }

    StepBlocks(Evaluator ev, long start, long end, long step) {
        this.ev = ev;
        this.start = start;
        this.end = end;
        this.step = step;
    }

    /** Whether {@code c} at {@code t} is answered here: a one-element-per-window function of a plain selector. */
    boolean covers(Expr.Call c, long t) {
        return t >= start && t <= end && (t - start) % step == 0
                && Functions.ONE_ELEMENT_PER_WINDOW.contains(c.function().name()) && c.args().size() == 1
                && c.args().get(0) instanceof Expr.MatrixSelector m && m.selector().at() == null;
    }

    Value.Vector value(Expr.Call c, long t) {
        Block b = blocks.get(c);
        if (b == null || t < b.first() || (t - b.first()) / step >= b.byStep().length) {
            b = compute(c, t);
            blocks.put(c, b);
        }
        Value.Element[] column = b.byStep()[(int) ((t - b.first()) / step)];
        List<Value.Element> out = new ArrayList<>(column.length);
        for (Value.Element el : column) {
            if (el != null) {
                out.add(el);
            }
        }
        return new Value.Vector(out);
    }

    private Block compute(Expr.Call c, long first) {
        ev.checkCancelled();
        Expr.MatrixSelector m = (Expr.MatrixSelector) c.args().get(0);
        String function = c.function().name();
        List<TimeSeries> series = ev.selected(m.selector());
        int steps = (int) Math.min(BLOCK_STEPS, (end - first) / step + 1);
        Value.Element[][] byStep = new Value.Element[steps][series.size()];
        int[] cursor = new int[2];
        for (int j = 0; j < series.size(); j++) {
            TimeSeries s = series.get(j);
            cursor[0] = -1;
            cursor[1] = -1;
            for (int i = 0; i < steps; i++) {
                long t = first + i * step;
                long windowEnd = t - m.selector().offsetMs();
                long windowStart = windowEnd - m.rangeMs();
                Value.Window w = Evaluator.window(s, windowStart, windowEnd, cursor, 0);
                if (w == null) {
                    continue;
                }
                List<Value.Element> one = Functions.applyRangeFunction(function,
                        new Value.Matrix(List.of(w), windowStart, windowEnd, m.rangeMs()), t).elements();
                if (!one.isEmpty()) {
                    byStep[i][j] = one.get(0);
                }
            }
        }
        return new Block(first, byStep);
    }
}
