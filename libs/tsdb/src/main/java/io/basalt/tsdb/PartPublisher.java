package io.basalt.tsdb;

import io.basalt.tsdb.index.SeriesRegistry;
import io.basalt.tsdb.part.Part;
import io.basalt.tsdb.part.PartWriter;
import io.basalt.tsdb.part.SampleRun;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import org.roaringbitmap.RoaringBitmap;

/**
 * Writes parts the crash-safe way (FORMAT.md, "Publication"): built and fsynced in {@code tmp/}, renamed atomically
 * into the partition directory, the directory fsynced; then opened. Flushes, merges and series deletes all write
 * through here, so every part drops what retention no longer covers and is deduplicated alike.
 */
final class PartPublisher {

    private final Path tmpDir;

    private final Path partitionsDir;

    private final SeriesRegistry registry;

    private final long dedupIntervalMs;

    private final LongSupplier retentionCutoff;

    PartPublisher(Path tmpDir, Path partitionsDir, SeriesRegistry registry, long dedupIntervalMs,
            LongSupplier retentionCutoff) {
        this.tmpDir = tmpDir;
        this.partitionsDir = partitionsDir;
        this.registry = registry;
        this.dedupIntervalMs = dedupIntervalMs;
        this.retentionCutoff = retentionCutoff;
    }

    /**
     * Publishes part {@code <minSeq>-<maxSeq>.part} of {@code p} holding series {@code ids} (written in key order) with
     * {@code samples}, replacing a part of that name. When no sample is left, nothing is published and a part of that
     * name is deleted.
     *
     * @return the opened part, or null when it would have been empty
     */
    Part publish(Partition p, long minSeq, long maxSeq, RoaringBitmap ids, IntFunction<SampleRun> samples) {
        String name = String.format("%016d-%016d.part", minSeq, maxSeq);
        Path tmp = tmpDir.resolve(p.dir.getFileName() + "-" + name);
        long cutoff = retentionCutoff.getAsLong(); // merges drop what retention no longer covers
        long rows;
        try (PartWriter writer = new PartWriter(tmp, minSeq, maxSeq)) {
            SeriesRegistry.KeyOrdered series = registry.orderedByKey(ids);
            for (int i = 0; i < series.ids().length; i++) {
                writer.add(series.keys()[i], samples.apply(series.ids()[i]).window(cutoff, Long.MAX_VALUE)
                    .deduplicate(dedupIntervalMs));
            }
            rows = writer.rows();
            writer.finish();
        }
        catch (RuntimeException e) {
            Directories.deleteQuietly(tmp);
            throw e;
        }
        try {
            if (rows == 0) {
                Files.delete(tmp);
                Files.deleteIfExists(p.dir.resolve(name));
                return null;
            }
            boolean created = !Files.isDirectory(p.dir);
            Files.createDirectories(p.dir);
            if (created) {
                Directories.fsync(partitionsDir);
            }
            Path target = p.dir.resolve(name);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Directories.fsync(p.dir);
            return Part.open(target, registry::idOf);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot publish part " + name + " in " + p.dir, e);
        }
    }
}
