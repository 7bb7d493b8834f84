package io.basalt.tsdb;

import io.basalt.tsdb.part.Part;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Snapshots under {@code snapshots/<yyyyMMddHHmmss>-<8 hex>/}: hard links to parts in the layout of a data path, so
 * copying one into an empty directory and opening that directory restores the data.
 */
final class Snapshots {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private static final Pattern NAME = Pattern.compile("\\d{14}-[0-9a-f]{8}");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss")
        .withZone(ZoneOffset.UTC);

    private final Path dir;

    /** Where a snapshot is built before one atomic rename publishes it. */
    private final Path tmpDir;

    private final Clock clock;

    private final AtomicLong seq = new AtomicLong();

    Snapshots(Path dir, Path tmpDir, Clock clock) {
        this.dir = dir;
        this.tmpDir = tmpDir;
        this.clock = clock;
    }

    /**
     * Hard-links every part of {@code partitions} into a new snapshot; the caller flushes the head first. The
     * {@code tombstones} file, when there is one, is copied first: a part not yet rewritten after a delete still holds
     * the deleted series, and a restore must keep hiding them.
     *
     * @return the snapshot's name
     */
    String create(Iterable<Partition> partitions, Path tombstones) {
        String name = TIME.format(clock.instant()) + "-"
                + String.format("%08x", seq.incrementAndGet() ^ (System.nanoTime() & 0xffff0000L));
        Path building = tmpDir.resolve("snapshot-" + name);
        try {
            Files.createDirectories(building);
            try {
                Files.copy(tombstones, building.resolve(tombstones.getFileName()));
            }
            catch (NoSuchFileException e) {
                // no delete waiting for a rewrite
            }
            for (Partition p : partitions) {
                p.maintenance.lock();
                try {
                    for (Part part : p.view().parts()) {
                        Path partitionDir = building.resolve("partitions").resolve(p.dir.getFileName());
                        Files.createDirectories(partitionDir);
                        Files.createLink(partitionDir.resolve(part.name()), part.file());
                    }
                }
                finally {
                    p.maintenance.unlock();
                }
            }
            Files.createDirectories(building.resolve("partitions"));
            Files.move(building, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            Directories.fsync(dir);
        }
        catch (IOException e) {
            Directories.deleteQuietly(building);
            throw new UncheckedIOException("cannot create snapshot " + name, e);
        }
        LOG.log(Level.INFO, "created snapshot " + name);
        return name;
    }

    List<String> list() {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> NAME.matcher(n).matches()).sorted()
                .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list snapshots in " + dir, e);
        }
    }

    /** The directory of snapshot {@code name}; the name is checked so that no other path can be reached. */
    Path path(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid snapshot name '" + name + "'");
        }
        return dir.resolve(name);
    }

    /** @return false when no such snapshot exists */
    boolean delete(String name) {
        Path snapshot = path(name);
        if (!Files.isDirectory(snapshot)) {
            return false;
        }
        try {
            Directories.deleteRecursively(snapshot);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot delete snapshot " + name, e);
        }
        return true;
    }

    /** Copies snapshot directory {@code snapshot} into the empty or missing {@code dataPath}, ready to open. */
    static void restore(Path snapshot, Path dataPath) {
        try {
            if (Files.isDirectory(dataPath)) {
                try (Stream<Path> s = Files.list(dataPath)) {
                    if (s.findAny().isPresent()) {
                        throw new IllegalArgumentException("restore target " + dataPath + " is not empty");
                    }
                }
            }
            try (Stream<Path> files = Files.walk(snapshot)) {
                for (Path src : (Iterable<Path>) files::iterator) {
                    Path dst = dataPath.resolve(snapshot.relativize(src).toString());
                    if (Files.isDirectory(src)) {
                        Files.createDirectories(dst);
                    }
                    else {
                        Files.copy(src, dst);
                    }
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot restore snapshot " + snapshot + " to " + dataPath, e);
        }
    }
}
