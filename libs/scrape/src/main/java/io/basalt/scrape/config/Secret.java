package io.basalt.scrape.config;

/**
 * A credential written in the config file. It prints as {@code <secret>}, as Prometheus shows it, so that no log line,
 * status page or exception message built from a config object can carry it.
 */
public record Secret(String value) {

    @Override
    public String toString() {
        return "<secret>";
    }
}
