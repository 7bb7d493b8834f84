package io.basalt.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** A storage node list file as insert and select read it ({@code storage-nodes-file}): one node a line. */
final class NodeListFile {

    private NodeListFile() {
    }

    /** Replaces the file whole (write, then rename), as the launcher does, so no reader sees it half-written. */
    static void write(Path file, List<String> lines) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n");
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
