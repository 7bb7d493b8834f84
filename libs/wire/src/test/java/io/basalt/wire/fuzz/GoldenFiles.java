package io.basalt.wire.fuzz;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The real captures under {@code src/test/resources/golden} (see the README there), used as fuzzing seeds. */
final class GoldenFiles {

    private GoldenFiles() {
    }

    static byte[] read(String name) {
        try (InputStream in = GoldenFiles.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing golden file " + name);
            }
            return in.readAllBytes();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
