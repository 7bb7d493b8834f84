package io.basalt.wire.remotewrite;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Reads the captured bodies under {@code src/test/resources/golden} (see the README there): golden tests compare
 * against them, fuzz tests use them as seeds.
 */
public final class GoldenFiles {

    private GoldenFiles() {
    }

    public static byte[] read(String name) {
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
