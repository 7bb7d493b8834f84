package io.basalt.insert.limits;

import io.basalt.insert.config.InsertProperties;
import io.basalt.model.Labels;
import io.basalt.model.TimeSeries;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Per-series limits: a series over a limit is dropped alone, counted by reason and logged at most once per
 * {@link #LOG_INTERVAL_MS}, while the rest of its request is stored.
 */
@Component
public class SeriesLimits {

    private static final Logger log = LoggerFactory.getLogger(SeriesLimits.class);

    private static final long LOG_INTERVAL_MS = 5_000;

    private final InsertProperties props;

    private final MeterRegistry registry;

    private final AtomicLong lastLogged = new AtomicLong();

    /** Every reason a single series can be dropped for; each counter exists from start, so dashboards show 0. */
    public static final List<String> REASONS = List.of("too_many_labels", "label_name_too_long",
            "label_value_too_long", "tenant_series_limit");

    public SeriesLimits(InsertProperties props, MeterRegistry registry) {
        this.props = props;
        this.registry = registry;
        REASONS.forEach(reason -> counter(reason));
    }

    private Counter counter(String reason) {
        return Counter.builder("basalt_insert_rows_rejected")
            .description("Series dropped at ingestion, by reason")
            .tag("reason", reason)
            .register(registry);
    }

    /** The series that pass every limit; the others are counted in {@code basalt_insert_rows_rejected_total}. */
    public List<TimeSeries> admit(List<TimeSeries> series) {
        List<TimeSeries> admitted = null;
        for (int i = 0; i < series.size(); i++) {
            String reason = violation(series.get(i).labels());
            if (reason != null) {
                if (admitted == null) {
                    admitted = new ArrayList<>(series.subList(0, i));
                }
                reject(reason, series.get(i));
            }
            else if (admitted != null) {
                admitted.add(series.get(i));
            }
        }
        return admitted == null ? series : admitted;
    }

    public void reject(String reason, TimeSeries series) {
        counter(reason).increment();
        long now = System.currentTimeMillis();
        long last = lastLogged.get();
        if (now - last >= LOG_INTERVAL_MS && lastLogged.compareAndSet(last, now)) {
            log.warn("dropping series {} ({}); further drops are counted in basalt_insert_rows_rejected_total "
                    + "and logged at most every {} ms", series.labels(), reason, LOG_INTERVAL_MS);
        }
    }

    private String violation(Labels labels) {
        if (labels.size() > props.getMaxLabelsPerTimeseries()) {
            return "too_many_labels";
        }
        for (int i = 0; i < labels.size(); i++) {
            if (labels.name(i).length() > props.getMaxLabelNameLen()) {
                return "label_name_too_long";
            }
            if (labels.value(i).length() > props.getMaxLabelValueLen()) {
                return "label_value_too_long";
            }
        }
        return null;
    }
}
