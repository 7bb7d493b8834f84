package io.basalt.node.web;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

/**
 * Bounds how long a client may take to send a request body. Netty's idle timeout stops watching a connection once
 * the request line and headers are in, so without these a client that declares a large body and then sends it a
 * byte at a time (or stops) holds a connection and an insert slot for ever. Spring Boot has no property for them.
 */
public class SlowClientTimeouts implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    private final Duration readTimeout;

    private final Duration requestTimeout;

    public SlowClientTimeouts(@Value("${basalt.server.body-read-timeout:30s}") Duration readTimeout,
            @Value("${basalt.server.body-timeout:5m}") Duration requestTimeout) {
        this.readTimeout = readTimeout;
        this.requestTimeout = requestTimeout;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(server -> server.readTimeout(readTimeout).requestTimeout(requestTimeout));
    }
}
