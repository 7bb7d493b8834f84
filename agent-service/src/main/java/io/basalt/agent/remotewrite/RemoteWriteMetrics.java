package io.basalt.agent.remotewrite;

/** What a remote-write queue reports; implemented over Micrometer by the service. */
public interface RemoteWriteMetrics {

    RemoteWriteMetrics NONE = new RemoteWriteMetrics() {
    };

    default void samplesSent(long samples, long bytes, double seconds) {
    }

    /** @param reason {@code relabel}, {@code http_4xx}, {@code queue_full} */
    default void samplesDropped(String reason, long samples) {
    }

    default void retried(String cause) {
    }
}
