package io.basalt.node.web;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Server limits every node starts with, as standard Spring Boot properties at the lowest precedence, so any
 * {@code application.yml}, environment variable or command-line argument still overrides them. Netty's own default
 * keeps a connection that sends nothing (or stops half-way through its request line and headers) open for ever; a
 * client that opens many would hold them all.
 */
public class HardenedServerDefaults implements EnvironmentPostProcessor {

    static final Map<String, Object> DEFAULTS = Map.of(
            // Room for a large JWT; still a bound (the Boot default is 8 KB).
            "server.max-http-request-header-size", "16KB",
            "server.netty.idle-timeout", "60s",
            "server.error.include-stacktrace", "never",
            "server.error.include-exception", "false");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        environment.getPropertySources().addLast(new MapPropertySource("basaltServerDefaults", DEFAULTS));
    }
}
