package io.basalt.insert.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesImportTest {

    private record Sample(Labels labels, long t, double v) {
    }

    private final List<Sample> got = new ArrayList<>();

    @Test
    void readsVictoriaMetricsExportLinesIgnoringUnknownFields() {
        read("""
                {"metric":{"__name__":"m","instance":"h:1"},"values":[0.5,-2e3],"timestamps":[1000,2000],"x":{}}

                {"timestamps":[3000],"values":[7],"metric":{"__name__":"n"}}
                """);

        assertThat(got).containsExactly(new Sample(Labels.of("__name__", "m", "instance", "h:1"), 1000, 0.5),
                new Sample(Labels.of("__name__", "m", "instance", "h:1"), 2000, -2000),
                new Sample(Labels.of("__name__", "n"), 3000, 7));
    }

    @Test
    void bareNonNumericWordsAreAccepted() {
        read("{\"metric\":{\"__name__\":\"m\"},\"values\":[NaN,Infinity,-Infinity],\"timestamps\":[1,2,3]}");

        assertThat(got.get(0).v()).isNaN();
        assertThat(got.get(1).v()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(got.get(2).v()).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void brokenInputIsRefusedNamingItsLine() {
        assertThatThrownBy(() -> read("{\"metric\":{\"__name__\":\"m\"},\"values\":[1],\"timestamps\":[1]}\n{oops"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 2: invalid JSON");
        assertThatThrownBy(() -> read("{\"values\":[1],\"timestamps\":[1]}"))
            .hasMessage("line 1: missing or empty \"metric\"");
        assertThatThrownBy(() -> read("{\"metric\":{\"__name__\":\"m\"},\"values\":[1],\"timestamps\":[1.5]}"))
            .hasMessageContaining("integer Unix milliseconds");
        assertThatThrownBy(() -> read("{\"metric\":{\"__name__\":\"m\"},\"values\":[\"x\"],\"timestamps\":[1]}"))
            .hasMessageContaining("invalid value \"x\"");
        assertThatThrownBy(() -> read("[1,2]")).hasMessageContaining("expected a JSON object per line");
    }

    private void read(String text) {
        JsonLinesImport.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                (labels, t, v) -> got.add(new Sample(labels, t, v)));
    }
}
