package io.basalt.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.relabel.RelabelAction;
import io.basalt.relabel.RelabelConfig;
import io.basalt.relabel.Relabeler;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleLabelerTest {

    private static final Labels TARGET = Labels.of("job", "node", "instance", "h:9100");

    @Test
    void withoutHonorLabelsTheExposedValueMovesToExportedAndTheTargetWins() {
        SampleLabeler l = new SampleLabeler(TARGET, false, Relabeler.none());

        assertThat(l.label(Labels.of("__name__", "m", "job", "exposed")))
                .isEqualTo(Labels.of("__name__", "m", "job", "node", "instance", "h:9100", "exported_job", "exposed"));
    }

    @Test
    void theExportedPrefixRepeatsUntilTheNameIsFree() {
        SampleLabeler l = new SampleLabeler(TARGET, false, Relabeler.none());

        Labels out = l.label(Labels.of("__name__", "m", "job", "a", "exported_job", "b"));

        assertThat(out.get("job")).isEqualTo("node");
        assertThat(out.get("exported_job")).isEqualTo("b");
        assertThat(out.get("exported_exported_job")).isEqualTo("a");
    }

    @Test
    void withHonorLabelsTheExposedValueWinsAndMissingTargetLabelsAreAdded() {
        SampleLabeler l = new SampleLabeler(TARGET, true, Relabeler.none());

        assertThat(l.label(Labels.of("__name__", "m", "job", "exposed")))
                .isEqualTo(Labels.of("__name__", "m", "job", "exposed", "instance", "h:9100"));
    }

    @Test
    void metricRelabelingSeesTheTargetLabelsAndCanDropTheSample() {
        Relabeler dropNodeGo = Relabeler.of(List.of(new RelabelConfig(List.of("job", "__name__"), ";", "node;go_.*", 0,
                "", "$1", RelabelAction.DROP)));
        SampleLabeler l = new SampleLabeler(TARGET, false, dropNodeGo);

        assertThat(l.label(Labels.of("__name__", "go_goroutines"))).isNull();
        assertThat(l.label(Labels.of("__name__", "up_time"))).isNotNull();
    }

    @Test
    void reportSeriesCarryTargetLabelsOnly() {
        SampleLabeler l = new SampleLabeler(TARGET, false, Relabeler.none());

        assertThat(l.reportLabels("up")).isEqualTo(Labels.of("__name__", "up", "job", "node", "instance", "h:9100"));
    }
}
