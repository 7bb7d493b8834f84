package io.basalt.tsdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** A crash can leave half a record at the log's end, or a disk can flip bits: replay keeps what is intact. */
class WalRecoveryTest {

    @TempDir
    Path dir;

    static final long T0 = System.currentTimeMillis() - 60_000;

    EngineConfig config() {
        return EngineConfig.builder(dir).backgroundTasks(false).minFreeDiskSpaceBytes(0).build();
    }

    @ParameterizedTest
    @ValueSource(strings = { "truncate", "garbage", "flip" })
    void aDamagedTailIsCutOffCountedAndEarlierBatchesSurvive(String damage) throws IOException {
        Labels m = Labels.of("__name__", "m");
        // No close(): an orderly close would flush the head into parts and empty the log.
        TsdbEngine crashed = TsdbEngine.open(config());
        for (int i = 0; i < 10; i++) {
            crashed.append(TenantId.DEFAULT, List.of(TimeSeries.single(m, T0 + i, i)));
        }
        Path segment;
        try (Stream<Path> s = Files.list(dir.resolve("wal"))) {
            segment = s.filter(p -> p.toString().endsWith(".wal")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        long size = Files.size(segment);
        switch (damage) {
            case "truncate" -> {
                try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
                    ch.truncate(size - 5);
                }
            }
            case "garbage" -> Files.write(segment, new byte[] { 7, 0, 0, 0, 1, 2, 3, 4, 5 },
                    StandardOpenOption.APPEND);
            default -> {
                byte[] bytes = Files.readAllBytes(segment);
                bytes[bytes.length - 3] ^= 1;
                Files.write(segment, bytes);
            }
        }
        for (int reopen = 0; reopen < 2; reopen++) {
            try (TsdbEngine e = TsdbEngine.open(config())) {
                List<TimeSeries> out = new ArrayList<>();
                e.search(TenantId.DEFAULT, List.of(), Long.MIN_VALUE, Long.MAX_VALUE, out::add);
                int expected = damage.equals("garbage") ? 10 : 9;
                assertThat(out).hasSize(1);
                assertThat(out.get(0).size()).isEqualTo(expected);
                assertThat(out.get(0).value(expected - 1)).isEqualTo(expected - 1);
                // The first open cuts the tail and counts it; the second finds a clean log (no crash loop).
                assertThat(e.status().walCorruptionsTotal()).isEqualTo(reopen == 0 ? 1 : 0);
            }
        }
    }
}
