package io.basalt.select.fanout;

import io.basalt.promql.engine.QueryLimitException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The samples one request may hold after its storage answers are merged, shared by all its searches and all storage
 * nodes. Counted as each series arrives, so a request over the limit is refused while its answers are still on the
 * wire instead of after select has buffered them.
 */
public final class SampleBudget {

    private final long limit;

    private final String property;

    private final AtomicLong held = new AtomicLong();

    /**
     * @param property the setting that sets {@code limit}, named in the refusal
     */
    public SampleBudget(long limit, String property) {
        this.limit = limit;
        this.property = property;
    }

    /** @throws QueryLimitException when the samples held so far plus {@code n} exceed the limit */
    public void hold(long n) {
        if (held.addAndGet(n) > limit) {
            throw refusal();
        }
    }

    /**
     * A series that alone exceeds the limit is refused from its sample count, before its samples arrive.
     *
     * @throws QueryLimitException when {@code n} exceeds the limit
     */
    public void requireFits(long n) {
        if (n > limit) {
            throw refusal();
        }
    }

    public long held() {
        return held.get();
    }

    private QueryLimitException refusal() {
        return QueryLimitException.tooManySamples(limit).namedAs(property);
    }
}
