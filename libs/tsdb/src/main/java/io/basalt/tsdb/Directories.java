package io.basalt.tsdb;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** The directory operations the engine's publication protocol needs (FORMAT.md, "Publication"). */
final class Directories {

    /** Logged under the engine's name: operators filter one logger for everything the engine does. */
    private static final System.Logger LOG = System.getLogger(TsdbEngine.class.getName());

    private Directories() {
    }

    /** Forces a directory's entries to the device, so that a file created or renamed in it survives a power loss. */
    static void fsync(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    static void deleteQuietly(Path p) {
        try {
            deleteRecursively(p);
        }
        catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete " + p, e);
        }
    }
}
