package io.basalt.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs an external tool (kubectl, promtool, docker-compose) with a deadline, output merged into one string. */
record Command(int exitCode, String output) {

    static Command run(Path dir, Map<String, String> env, Duration timeout, List<String> argv) {
        try {
            File log = File.createTempFile("deploy-tests-", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log);
                pb.environment().putAll(env);
                Process process = pb.start();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    return new Command(-1, "timed out after " + timeout + ": " + argv + "\n"
                            + Files.readString(log.toPath(), StandardCharsets.UTF_8));
                }
                return new Command(process.exitValue(), Files.readString(log.toPath(), StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log.toPath());
            }
        } catch (IOException e) {
            return new Command(-1, "cannot run " + argv + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Command(-1, "interrupted: " + argv);
        }
    }

    static Command run(Duration timeout, String... argv) {
        return run(Repository.root(), Map.of(), timeout, List.of(argv));
    }

    /** True when the binary is on PATH; tests that need it skip otherwise. */
    static boolean available(String binary) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    boolean succeeded() {
        return exitCode == 0;
    }
}
