package io.basalt.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How the tests launch a service jar: from its extracted layout ({@code java -Djarmode=tools -jar extract}) with a
 * class-data-sharing archive of the classes an earlier run of the same jar loaded. That halves a JVM's start-up CPU
 * (storage-service: 4.8 s to 2.3 s), and an e2e run starts about eighty JVMs on two cores. The first process of a
 * module writes the archive when it exits; until then, and whenever the JVM finds an archive unusable (it then only
 * warns), processes start without one. The code run is the same; LauncherIT still runs the jars as they ship.
 */
final class SharedClassArchives {

    /** The process writing a module's archive at its exit. */
    private static final Map<String, Process> WRITERS = new HashMap<>();

    private SharedClassArchives() {
    }

    /** The JVM arguments that run {@code jar}: the archive flag, if any, and {@code -jar <extracted jar>}. */
    static synchronized List<String> launch(String module, Path jar, Path targetDir) throws IOException {
        Path dir = targetDir.resolve("cds").resolve(module + "-" + Files.getLastModifiedTime(jar).toMillis());
        Path app = dir.resolve(module + ".jar");
        if (!Files.exists(app)) {
            deleteOlderBuilds(module, dir);
            if (!extract(jar, dir)) {
                return List.of("-jar", jar.toString());
            }
        }
        Path archive = dir.resolve(module + ".jsa");
        if (Files.exists(archive) && !writing(module)) {
            return List.of("-XX:SharedArchiveFile=" + archive, "-jar", app.toString());
        }
        if (Files.exists(archive) || writing(module)) {
            return List.of("-jar", app.toString());
        }
        return List.of("-XX:ArchiveClassesAtExit=" + archive, "-jar", app.toString());
    }

    /** Records the process started with {@code -XX:ArchiveClassesAtExit}, so that no other writes the archive. */
    static synchronized void started(String module, List<String> launch, Process process) {
        if (launch.get(0).startsWith("-XX:ArchiveClassesAtExit=")) {
            WRITERS.put(module, process);
        }
    }

    /** Whether {@code process} writes an archive when it exits, which takes seconds more than exiting. */
    static synchronized boolean writes(Process process) {
        return WRITERS.containsValue(process);
    }

    private static boolean writing(String module) {
        Process writer = WRITERS.get(module);
        return writer != null && writer.isAlive();
    }

    /** The extracted jar and archive of earlier builds of the module: about 120 MB each. */
    private static void deleteOlderBuilds(String module, Path dir) throws IOException {
        if (!Files.isDirectory(dir.getParent())) {
            return;
        }
        try (Stream<Path> builds = Files.list(dir.getParent())) {
            for (Path old : builds.filter(b -> b.getFileName().toString().startsWith(module + "-")).toList()) {
                try (Stream<Path> files = Files.walk(old)) {
                    for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(f);
                    }
                }
            }
        }
    }

    private static boolean extract(Path jar, Path dir) throws IOException {
        Path log = Files.createTempFile("extract-" + jar.getFileName(), ".log");
        try {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djarmode=tools", "-jar", jar.toString(), "extract", "--destination", dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0 && Files.exists(dir.resolve(jar.getFileName()));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        finally {
            Files.deleteIfExists(log);
        }
    }
}
