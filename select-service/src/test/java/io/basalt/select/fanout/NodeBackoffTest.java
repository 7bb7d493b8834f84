package io.basalt.select.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;

class NodeBackoffTest {

    private final AtomicLong now = new AtomicLong();

    private final NodeBackoff backoff = new NodeBackoff(Duration.ofSeconds(5), now::get);

    private static final String NODE = "http://storage-1:8482";

    @Test
    void aNodeThatRefusedAConnectionIsSkippedUntilItsBackoffEnds() {
        backoff.record(NODE, new WebClientRequestException(new ConnectException("Connection refused"), HttpMethod.POST,
                java.net.URI.create(NODE), new HttpHeaders()));

        assertThat(backoff.skips(NODE)).isTrue();
        now.addAndGet(Duration.ofSeconds(5).toNanos() - 1);
        assertThat(backoff.skips(NODE)).isTrue();
        now.addAndGet(1);
        assertThat(backoff.skips(NODE)).isFalse();
    }

    @Test
    void aSlowOrFailingAnswerDoesNotMakeTheNodeSkipped() {
        backoff.record(NODE, new TimeoutException("query deadline"));
        backoff.record(NODE, new IllegalStateException("HTTP 500"));

        assertThat(backoff.skips(NODE)).isFalse();
    }

    @Test
    void anAnswerEndsTheBackoff() {
        backoff.record(NODE, new ConnectException("refused"));
        backoff.record(NODE, null);

        assertThat(backoff.skips(NODE)).isFalse();
    }

    @Test
    void zeroBackoffNeverSkips() {
        NodeBackoff off = new NodeBackoff(Duration.ZERO, now::get);
        off.record(NODE, new ConnectException("refused"));

        assertThat(off.skips(NODE)).isFalse();
    }
}
