package io.basalt.tsdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reports usable bytes on the file system holding the data path; replaceable so tests need not fill a disk. */
@FunctionalInterface
public interface FreeSpaceProbe {

    FreeSpaceProbe FILE_STORE = path -> Files.getFileStore(path).getUsableSpace();

    long usableBytes(Path dataPath) throws IOException;
}
