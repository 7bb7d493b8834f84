package io.basalt.agent.remotewrite;

/** What a remote-write queue reports; implemented over Micrometer by the service. */
public interface RemoteWriteMetrics {

    RemoteWriteMetrics NONE = new RemoteWriteMetrics() {
    };

    default void samplesSent(long samples, long bytes, double seconds) {
    }

    /** @param reason {@code relabel}, {@code http_4xx}, {@code queue_full}, {@code append_failed} */
    default void samplesDropped(String reason, long samples) {
    }

    default void retried(String cause) {
    }

    /** A block of this many samples could not be written to the disk queue. */
    default void appendFailed(long samples) {
    }
}
