package io.basalt.scrape.discovery;

import io.basalt.scrape.config.FileSdConfig;
import io.basalt.scrape.config.TargetGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the target files of a {@code file_sd_configs} entry: JSON or YAML lists of {@code {targets, labels}} groups,
 * the last element of each path possibly a glob. Each group gets {@code __meta_filepath}, as in Prometheus. A file
 * that cannot be read keeps the groups it had before, so a half-written file does not drop its targets.
 */
public final class FileSdReader implements TargetDiscovery {

    private final FileSdConfig config;

    private final Map<Path, FileTime> stamps = new TreeMap<>();

    private final Map<Path, List<TargetGroup>> groups = new LinkedHashMap<>();

    private long lastFullRead;

    public FileSdReader(FileSdConfig config) {
        this.config = config;
    }

    /**
     * Re-reads files that changed, appeared or vanished, and all of them once per refresh interval.
     *
     * @return whether the groups may have changed
     */
    @Override
    public synchronized boolean refresh(long nowMillis) {
        boolean full = nowMillis - lastFullRead >= config.refreshInterval().toMillis();
        if (full) {
            lastFullRead = nowMillis;
        }
        List<Path> files = matchingFiles();
        boolean changed = groups.keySet().removeIf(p -> !files.contains(p));
        stamps.keySet().removeIf(p -> !files.contains(p));
        for (Path f : files) {
            FileTime mtime;
            try {
                mtime = Files.getLastModifiedTime(f);
            }
            catch (IOException e) {
                continue;
            }
            if (!full && mtime.equals(stamps.get(f))) {
                continue;
            }
            try {
                List<TargetGroup> read = read(f);
                stamps.put(f, mtime);
                changed |= !read.equals(groups.put(f, read));
            }
            catch (IOException | RuntimeException e) {
                // Keep the previous groups: the file may be in the middle of being rewritten.
                System.getLogger(FileSdReader.class.getName()).log(System.Logger.Level.WARNING,
                        "file_sd: cannot read {0}: {1}", f, e.getMessage());
            }
        }
        return changed;
    }

    @Override
    public boolean remote() {
        return false;
    }

    @Override
    public synchronized List<TargetGroup> groups() {
        List<TargetGroup> all = new ArrayList<>();
        groups.values().forEach(all::addAll);
        return all;
    }

    private List<Path> matchingFiles() {
        List<Path> out = new ArrayList<>();
        for (Path pattern : config.files()) {
            Path dir = pattern.getParent() == null ? Path.of(".") : pattern.getParent();
            String glob = pattern.getFileName().toString();
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
                for (Path p : ds) {
                    if (matcher.matches(p.getFileName()) && Files.isRegularFile(p)) {
                        out.add(p);
                    }
                }
            }
            catch (IOException e) {
                // An unreadable directory yields no targets, as a missing one does.
            }
        }
        out.sort(null);
        return out;
    }

    static List<TargetGroup> read(Path file) throws IOException {
        return TargetGroupDocument.parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(),
                "__meta_filepath", file.toString());
    }
}
