package io.basalt.insert.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.Labels;
import io.basalt.relabel.Relabeler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelabelRulesFileTest {

    @TempDir
    Path dir;

    @Test
    void rulesInPrometheusSyntaxAreApplied() throws IOException {
        Path file = write("""
                - action: drop
                  source_labels: [__name__]
                  regex: debug_.*
                - target_label: cluster
                  replacement: eu-1
                - action: labeldrop
                  regex: pod_template_hash
                """);

        Relabeler r = RelabelRulesFile.load(file.toString());

        assertThat(r.process(Labels.of("__name__", "debug_x"))).isNull();
        assertThat(r.process(Labels.of("__name__", "up", "pod_template_hash", "abc")))
            .isEqualTo(Labels.of("__name__", "up", "cluster", "eu-1"));
    }

    @Test
    void noFileMeansNoRelabeling() {
        assertThat(RelabelRulesFile.load(null).isEmpty()).isTrue();
        assertThat(RelabelRulesFile.load("").isEmpty()).isTrue();
    }

    @Test
    void anInvalidRuleStopsTheNodeNamingThePropertyAndTheReason() throws IOException {
        Path file = write("- action: explode\n");

        assertThatThrownBy(() -> RelabelRulesFile.load(file.toString()))
            .hasMessageStartingWith("basalt.insert.relabel-config=" + file)
            .hasMessageContaining("explode");
    }

    @Test
    void aMissingFileStopsTheNode() {
        assertThatThrownBy(() -> RelabelRulesFile.load(dir.resolve("absent.yml").toString()))
            .hasMessageContaining("basalt.insert.relabel-config").hasMessageContaining("cannot read");
    }

    @Test
    void aDocumentThatIsNotAListIsRefused() throws IOException {
        Path file = write("action: drop\n");

        assertThatThrownBy(() -> RelabelRulesFile.load(file.toString())).hasMessageContaining("expected a YAML list");
    }

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("relabel.yml");
        Files.writeString(file, yaml);
        return file;
    }
}
