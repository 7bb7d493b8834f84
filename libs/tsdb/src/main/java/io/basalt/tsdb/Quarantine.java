package io.basalt.tsdb;

import io.basalt.tsdb.codec.CorruptDataException;
import io.basalt.tsdb.part.Part;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Moves parts that failed a checksum out of their partition into {@code quarantine/<partition>_<part file>}, so that
 * searches and merges go on without them and an operator can inspect them. Counted for
 * {@link EngineStatus#quarantinedPartsTotal()}.
 */
final class Quarantine {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private final Path dir;

    private final AtomicLong moved = new AtomicLong();

    Quarantine(Path dir) {
        this.dir = dir;
    }

    /** Moves aside the input of a failed merge that {@code e} names; when it names none, only logs. */
    void moveAsideCulprit(Partition p, List<Part> candidates, CorruptDataException e) {
        for (Part part : candidates) {
            if (e.getMessage() != null && e.getMessage().contains(part.file().toString())) {
                moveAside(p, part, e);
                return;
            }
        }
        LOG.log(Level.ERROR, "merge in " + p.dir + " failed on corrupt data", e);
    }

    /** Takes {@code part} out of {@code p}'s view and moves its file aside; a no-op when already done. */
    void moveAside(Partition p, Part part, Exception cause) {
        synchronized (p) {
            if (!p.view().parts().contains(part)) {
                return; // already moved aside by another reader
            }
            p.replaceParts(List.of(part), null);
        }
        moveAsideFile(p.dir, part.file(), cause);
    }

    /** Moves a part file aside; used directly for a part that failed to open, which no view lists. */
    void moveAsideFile(Path partitionDir, Path file, Exception cause) {
        moved.incrementAndGet();
        try {
            Files.createDirectories(dir);
            Path target = dir.resolve(partitionDir.getFileName() + "_" + file.getFileName());
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            LOG.log(Level.ERROR, "quarantined corrupt part " + file + " as " + target + ": "
                    + (cause == null ? "checksum mismatch" : cause.getMessage()));
        }
        catch (IOException e) {
            LOG.log(Level.ERROR, "cannot move corrupt part " + file + " to " + dir, e);
        }
    }

    /** Parts moved aside since the engine opened. */
    long total() {
        return moved.get();
    }
}
