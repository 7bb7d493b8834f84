package io.basalt.node.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Two nodes in one JVM, as tests run them (a cached Spring test context next to one a test starts and closes): closing
 * one must leave the other's server and clients working. With Reactor Netty's global event loops shared by every
 * context, the first close shut down the loops the second was serving on, and its requests went unanswered.
 */
class NettyResourcesPerContextTest {

    @SpringBootApplication
    @RestController
    static class App {

        @GetMapping("/ping")
        String ping() {
            return "pong";
        }
    }

    @Test
    void closingOneNodeLeavesAnotherInTheSameJvmServingAndCalling() {
        try (ConfigurableApplicationContext survivor = start()) {
            ConfigurableApplicationContext closed = start();
            assertThat(ping(survivor, port(closed))).isEqualTo("pong");
            closed.close();

            assertThat(ping(survivor, port(survivor))).as("the surviving node answers through its own client")
                .isEqualTo("pong");
            assertThat(WebClient.create("http://127.0.0.1:" + port(survivor)).get().uri("/ping").retrieve()
                .bodyToMono(String.class).block(Duration.ofSeconds(5))).as("the surviving node answers a new client")
                .isEqualTo("pong");
        }
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
            .run("--server.port=0", "--server.address=127.0.0.1", "--spring.main.banner-mode=off");
    }

    /** GET /ping on {@code port} with the WebClient the node's own context builds. */
    private static String ping(ConfigurableApplicationContext node, int port) {
        return node.getBean(WebClient.Builder.class).build().get().uri("http://127.0.0.1:" + port + "/ping")
            .retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
    }

    private static int port(ConfigurableApplicationContext node) {
        return Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
    }
}
