package io.basalt.scrape.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.scrape.config.FileSdConfig;
import io.basalt.scrape.config.TargetGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSdReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsJsonAndYamlGroupsMatchingTheGlobAndNotesTheirFile() throws Exception {
        Files.writeString(dir.resolve("a.json"), "[{\"targets\": [\"h1:1\", \"h2:1\"], \"labels\": {\"env\": \"prod\"}}]");
        Files.writeString(dir.resolve("b.yml"), "- targets: ['h3:1']\n");
        Files.writeString(dir.resolve("ignored.txt"), "not a target file");
        FileSdReader r = new FileSdReader(new FileSdConfig(List.of(dir.resolve("*.json"), dir.resolve("*.yml")),
                Duration.ofMinutes(5)));

        assertThat(r.refresh(0)).isTrue();

        List<TargetGroup> groups = r.groups();
        assertThat(groups).flatExtracting(TargetGroup::targets).containsExactly("h1:1", "h2:1", "h3:1");
        assertThat(groups.get(0).labels().get("env")).isEqualTo("prod");
        assertThat(groups.get(0).labels().get("__meta_filepath")).endsWith("a.json");
    }

    @Test
    void aChangedFileIsReReadAndABrokenOneKeepsItsLastGroups() throws Exception {
        Path f = dir.resolve("t.json");
        Files.writeString(f, "[{\"targets\": [\"h1:1\"]}]");
        FileSdReader r = new FileSdReader(new FileSdConfig(List.of(dir.resolve("*.json")), Duration.ofMinutes(5)));
        r.refresh(0);

        Files.writeString(f, "[{\"targets\": [\"h2:1\"]}]");
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertThat(r.refresh(1_000)).isTrue();
        assertThat(r.groups()).flatExtracting(TargetGroup::targets).containsExactly("h2:1");

        Files.writeString(f, "[{\"targets\": [\"h3");
        Files.setLastModifiedTime(f, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        assertThat(r.refresh(2_000)).isFalse();
        assertThat(r.groups()).flatExtracting(TargetGroup::targets).containsExactly("h2:1");

        Files.delete(f);
        assertThat(r.refresh(3_000)).isTrue();
        assertThat(r.groups()).isEmpty();
    }
}
