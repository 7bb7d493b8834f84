package io.basalt.bench.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/** A database server under test, started as its own process so that its CPU time and memory can be read from /proc. */
final class MeasuredProcess implements AutoCloseable {

    /** Clock ticks per second of /proc/<pid>/stat times; 100 on every Linux this runs on (getconf CLK_TCK). */
    private static final double TICKS_PER_SECOND = 100.0;

    private final String name;

    private final Process process;

    private final Path dataPath;

    final String baseUrl;

    private MeasuredProcess(String name, Process process, Path dataPath, String baseUrl) {
        this.name = name;
        this.process = process;
        this.dataPath = dataPath;
        this.baseUrl = baseUrl;
    }

    static MeasuredProcess start(String name, List<String> command, Path dataPath, int port, Path log)
            throws IOException {
        System.out.println("$ " + String.join(" ", command));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new MeasuredProcess(name, p, dataPath, "http://127.0.0.1:" + port);
    }

    void awaitHttp(String path, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue());
            }
            try {
                int status = http.send(HttpRequest.newBuilder(URI.create(baseUrl + path)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not answer " + path + " within " + timeout);
    }

    /** User plus system CPU seconds the process has used so far. */
    double cpuSeconds() {
        String stat = read(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /** A /proc/<pid>/status figure in bytes, e.g. {@code VmRSS} (now) or {@code VmHWM} (peak). */
    long memoryBytes(String field) {
        for (String line : read(Path.of("/proc", Long.toString(process.pid()), "status")).split("\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException(field + " missing in /proc status of " + name);
    }

    /**
     * Heap still reachable after a full collection ({@code jcmd GC.run}, then {@code GC.heap_info}) of the JVM;
     * 0 for other processes. RSS of a JVM mostly shows how far the heap was allowed to grow; this, what the data needs.
     */
    long liveHeapBytes() throws InterruptedException {
        if (!name.equals("storage-service")) {
            return 0;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            run(jcmd, Long.toString(process.pid()), "GC.run");
            String info = run(jcmd, Long.toString(process.pid()), "GC.heap_info");
            var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(info);
            return m.find() ? Long.parseLong(m.group(1)) * 1024 : 0;
        }
        catch (IOException e) {
            return 0;
        }
    }

    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /**
     * Apparent size of every file under the data path (what {@code du -sb} prints), without VictoriaMetrics'
     * {@code cache} directory, which holds caches rather than data.
     */
    long diskBytes() {
        try (Stream<Path> files = Files.walk(dataPath)) {
            return files.filter(Files::isRegularFile)
                .filter(p -> !dataPath.relativize(p).startsWith("cache"))
                .mapToLong(p -> {
                try {
                    return Files.size(p);
                }
                catch (IOException gone) {
                    return 0; // removed by a merge while walking
                }
            }).sum();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
