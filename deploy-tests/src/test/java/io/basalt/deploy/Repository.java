package io.basalt.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout whose deployment files are under test (the parent of this module). */
final class Repository {

    private static final Path ROOT = locateRoot();

    private Repository() {
    }

    static Path root() {
        return ROOT;
    }

    static Path path(String relative) {
        return ROOT.resolve(relative);
    }

    static String read(String relative) {
        try {
            return Files.readString(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locateRoot() {
        String configured = System.getProperty("basalt.root");
        Path start = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        // also works when an IDE runs the tests from the module directory without the surefire property
        for (Path p = start.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("docker-compose.yml")) && Files.isDirectory(p.resolve("k8s"))) {
                return p;
            }
        }
        throw new IllegalStateException("no Basalt checkout above " + start);
    }
}
