package io.basalt.agent.remotewrite;

import io.basalt.scrape.config.RemoteWriteConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/** Sends one encoded remote-write body and says how the receiver answered. */
@FunctionalInterface
public interface RemoteWriteTransport {

    /**
     * @return the HTTP status; an exception means no answer (connection refused, timeout), which is retried
     */
    int send(URI url, byte[] body, Map<String, String> headers, Duration timeout) throws Exception;

    /** Makes the transport of one remote_write entry, set up with its {@code tls_config}. */
    @FunctionalInterface
    interface Factory {

        RemoteWriteTransport forConfig(RemoteWriteConfig config);
    }
}
