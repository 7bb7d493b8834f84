package io.basalt.bench.insert;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A server under test as its own process, with the CPU time it has used so far read from {@code /proc}. */
final class ServerProcess implements AutoCloseable {

    /** USER_HZ: Linux reports utime and stime in these ticks on every common architecture. */
    private static final double TICKS_PER_SECOND = 100;

    private final String name;

    private final Process process;

    final int port;

    private ServerProcess(String name, Process process, int port) {
        this.name = name;
        this.process = process;
        this.port = port;
    }

    static ServerProcess start(String name, int port, List<String> command, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ServerProcess(name, p, port);
    }

    /** {@code java <the launcher's JVM flags> -jar <module>/target/<module>.jar args}, run from the repository root. */
    static List<String> jarCommand(String java, String module, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java);
        cmd.addAll(List.of(InsertVsVictoriaMetricsBench.launcherFlags(module).split("\\s+")));
        cmd.add("-jar");
        cmd.add(module + "/target/" + module + ".jar");
        cmd.addAll(List.of(args));
        return cmd;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    String name() {
        return name;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void awaitHttp(String path, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue());
            }
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url() + path)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            }
            catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready within " + timeout);
    }

    /** User plus system CPU seconds of the process so far (fields 14 and 15 of /proc/<pid>/stat). */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
        // The command name (field 2) may contain spaces; fields are counted after its closing parenthesis.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds by kind of thread: the JIT compilers ("jit"), the collector and VM operations ("gc/vm") and every
     * other thread ("work"), from /proc/<pid>/task. Separates what the code costs from what warming it up costs.
     */
    java.util.Map<String, Double> cpuSecondsByThreadKind() throws IOException {
        java.util.Map<String, Double> out = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                }
                catch (IOException gone) {
                    continue; // the thread ended
                }
                String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double cpu = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
                out.merge(threadKind(comm), cpu, Double::sum);
            }
        }
        return out;
    }

    private static String threadKind(String comm) {
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler") || comm.startsWith("Sweeper")) {
            return "jit";
        }
        if (comm.startsWith("GC ") || comm.startsWith("VM Thread") || comm.startsWith("ParGC")
                || comm.startsWith("G1 ")) {
            return "gc/vm";
        }
        return "work";
    }

    /**
     * A figure of /proc/<pid>/io in bytes: {@code read_bytes} (read from the block device, page-cache misses only) or
     * {@code rchar} (every byte read by system calls, cached or not).
     */
    long ioBytes(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "io"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/io");
    }

    /** The process's peak resident set size so far, in bytes (VmHWM of /proc/<pid>/status). */
    long peakRssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM in /proc/" + process.pid() + "/status");
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
