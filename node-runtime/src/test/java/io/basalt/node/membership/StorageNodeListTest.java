package io.basalt.node.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageNodeListTest {

    @TempDir
    Path dir;

    @Test
    void readsUrlsCommentsAndDrainingMarks() {
        StorageNodeList list = StorageNodeList.parse("""
                # storage nodes
                http://storage-1:8482/
                http://storage-2:8482   draining   # leaving

                https://storage-3:8482
                """, "nodes.txt");

        assertThat(list.urls()).containsExactly("http://storage-1:8482", "http://storage-2:8482",
                "https://storage-3:8482");
        assertThat(list.placementUrls()).containsExactly("http://storage-1:8482", "https://storage-3:8482");
        assertThat(list.isDraining("http://storage-2:8482")).isTrue();
    }

    @Test
    void badLinesAreRefusedNamingTheLine() {
        assertThatThrownBy(() -> StorageNodeList.parse("http://a:1\nhttp://b:1 leaving\n", "nodes.txt"))
            .hasMessageContaining("nodes.txt line 2").hasMessageContaining("draining");
        assertThatThrownBy(() -> StorageNodeList.parse("storage-1:8482\n", "nodes.txt"))
            .hasMessageContaining("line 1").hasMessageContaining("http(s) URL");
        assertThatThrownBy(() -> StorageNodeList.parse("http://a:1\nhttp://a:1/\n", "nodes.txt"))
            .hasMessageContaining("listed twice");
        assertThatThrownBy(() -> StorageNodeList.parse("# none\n", "nodes.txt"))
            .hasMessageContaining("lists no storage node");
    }

    @Test
    void aChangedFileIsAppliedOnceAndARefusedChangeIsReportedAndKeptTrying() throws Exception {
        Path file = dir.resolve("nodes.txt");
        Files.writeString(file, "http://a:1\nhttp://b:1\n");
        StorageNodeListFile nodes = new StorageNodeListFile(file);
        assertThat(nodes.read().urls()).containsExactly("http://a:1", "http://b:1");
        List<StorageNodeList> applied = new ArrayList<>();
        List<String> errors = new ArrayList<>();

        nodes.check(applied::add, errors::add);
        assertThat(applied).isEmpty();

        Files.writeString(file, "http://a:1\nhttp://b:1 draining\nhttp://c:");
        nodes.check(applied::add, errors::add);
        Files.writeString(file, "http://a:1\nhttp://b:1 draining\nhttp://c:1\n");
        nodes.check(applied::add, errors::add);
        assertThat(applied).as("a text read once, as if half-written, is not applied").isEmpty();
        nodes.check(applied::add, errors::add);
        nodes.check(applied::add, errors::add);
        assertThat(applied).hasSize(1);
        assertThat(applied.get(0).placementUrls()).containsExactly("http://a:1", "http://c:1");

        Files.writeString(file, "http://a:1\nhttp://b:1 draining\n");
        nodes.check(applied::add, errors::add);
        nodes.check(l -> {
            throw new IllegalArgumentException("too few nodes");
        }, errors::add);
        nodes.check(applied::add, errors::add);
        assertThat(errors).containsExactly("too few nodes");
        assertThat(applied).hasSize(2);
    }

    @Test
    void watchingPicksUpAChangeWithinAFewChecks() throws Exception {
        Path file = dir.resolve("nodes.txt");
        Files.writeString(file, "http://a:1\n");
        StorageNodeListFile nodes = new StorageNodeListFile(file);
        nodes.read();
        List<StorageNodeList> applied = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable watch = nodes.watch(Duration.ofMillis(20), applied::add, e -> { })) {
            Files.writeString(file, "http://a:1\nhttp://b:1\n");
            for (int i = 0; i < 250 && applied.isEmpty(); i++) {
                Thread.sleep(20);
            }
        }
        assertThat(applied).as("the change applied within 5 s").hasSize(1);
    }
}
