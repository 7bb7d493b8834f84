package io.basalt.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The provisioned Grafana dashboards and the PromQL expressions in their panels. */
final class Dashboards {

    static final String DIR = "config/grafana/dashboards";

    record Expression(String dashboard, String panel, String expr) {

        /** The expression as Grafana sends it, with the dashboard variables replaced by neutral values. */
        String resolved() {
            return expr.replace("$__rate_interval", "1m").replace("$__interval", "30s")
                    .replace("$region", ".*").replace("${region}", ".*");
        }
    }

    private Dashboards() {
    }

    static List<Path> files() {
        try (Stream<Path> files = Files.list(Repository.path(DIR))) {
            return files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Expression> expressions() {
        List<Expression> all = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    all.add(new Expression(dashboard.path("title").asText(), panel.path("title").asText(),
                            target.path("expr").asText()));
                }
            }
        }
        return all;
    }
}
