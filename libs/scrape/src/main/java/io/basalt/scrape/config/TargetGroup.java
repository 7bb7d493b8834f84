package io.basalt.scrape.config;

import io.basalt.model.Labels;
import java.util.List;

/** A list of {@code host:port} targets sharing labels, from {@code static_configs} or a file_sd file. */
public record TargetGroup(List<String> targets, Labels labels, String source) {

    public TargetGroup {
        targets = List.copyOf(targets);
    }
}
