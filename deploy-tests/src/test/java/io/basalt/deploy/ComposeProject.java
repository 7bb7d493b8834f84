package io.basalt.deploy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One throw-away instance of docker-compose.yml, driven through the docker-compose CLI (v1 here, v2 elsewhere) under
 * a unique project name. Every host port is left to Docker, so it never collides with services running on the host.
 * {@link #close()} removes containers, networks and volumes; a shutdown hook does the same if the JVM dies first.
 */
final class ComposeProject implements AutoCloseable {

    private static final List<String> PORT_VARIABLES = List.of("MOCK_EXPORTER_PORT", "PROMETHEUS_WRITER_PORT",
            "PROMETHEUS_RECEIVER_PORT", "GRAFANA_PORT", "GRAFANA_VM_PORT", "VMAGENT_US_EAST_1_PORT",
            "VMAGENT_EU_WEST_1_PORT", "VMAGENT_AP_SOUTHEAST_1_PORT", "VMAGENT_SA_EAST_1_PORT", "VMINSERT_1_PORT",
            "VMINSERT_2_PORT", "VMSTORAGE_1_PORT", "VMSTORAGE_2_PORT", "VMSELECT_1_PORT", "VMSELECT_2_PORT");

    private final String name = "basalt-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
    private final Map<String, String> env = new HashMap<>();
    private final Thread cleanupOnExit = new Thread(this::down);

    ComposeProject() {
        PORT_VARIABLES.forEach(v -> env.put(v, ""));
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    String name() {
        return name;
    }

    Command compose(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of("docker-compose", "-p", name, "-f", "docker-compose.yml"));
        argv.addAll(List.of(args));
        return Command.run(Repository.root(), env, timeout, argv);
    }

    Command up(List<String> services) {
        List<String> args = new ArrayList<>(List.of("up", "-d", "--no-build"));
        args.addAll(services);
        return compose(Duration.ofMinutes(15), args.toArray(String[]::new));
    }

    /** Health of each started container, keyed by compose service name: healthy, starting, unhealthy or a state. */
    Map<String, String> health() {
        Map<String, String> health = new HashMap<>();
        Command ids = compose(Duration.ofSeconds(30), "ps", "-q");
        for (String id : ids.output().lines().filter(l -> l.matches("[0-9a-f]{12,}")).toList()) {
            Command inspect = Command.run(Duration.ofSeconds(30), "docker", "inspect", "--format",
                    "{{index .Config.Labels \"com.docker.compose.service\"}} "
                            + "{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}", id);
            String[] parts = inspect.output().trim().split(" ", 2);
            if (parts.length == 2) {
                health.put(parts[0], parts[1]);
            }
        }
        return health;
    }

    /** The loopback address Docker published for a service's container port, e.g. {@code 127.0.0.1:32771}. */
    String address(String service, int containerPort) {
        Command port = compose(Duration.ofSeconds(30), "port", service, String.valueOf(containerPort));
        String address = port.output().trim();
        if (!port.succeeded() || !address.matches("127\\.0\\.0\\.1:\\d+")) {
            throw new IllegalStateException("no published port for " + service + ":" + containerPort + ": " + address);
        }
        return address;
    }

    String logs(String service, int lines) {
        return compose(Duration.ofSeconds(30), "logs", "--no-color", "--tail", String.valueOf(lines), service)
                .output();
    }

    private void down() {
        compose(Duration.ofMinutes(2), "down", "-v", "-t", "5", "--remove-orphans");
    }

    @Override
    public void close() {
        down();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException alreadyExiting) {
            // the hook is running or has run; nothing left to undo
        }
    }
}
