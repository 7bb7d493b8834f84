package io.basalt.insert.imports;

import io.basalt.wire.exposition.ExpositionFormat;
import io.basalt.wire.exposition.ExpositionParser;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code /api/v1/import/prometheus}: Prometheus text exposition lines, each optionally with its own timestamp in
 * milliseconds, as VictoriaMetrics accepts them. A sample without a timestamp gets the time the request arrived.
 * The body is parsed as a stream; a malformed line fails the request with its line number.
 */
public final class PrometheusTextImport {

    private static final ExpositionParser PARSER = new ExpositionParser(ExpositionFormat.PROMETHEUS_TEXT);

    private PrometheusTextImport() {
    }

    public static void read(InputStream body, long receivedAtMillis, SampleSink sink) throws IOException {
        PARSER.parse(body, (family, labels, value, timestamp) -> sink.sample(labels,
                timestamp == ExpositionParser.NO_TIMESTAMP ? receivedAtMillis : timestamp, value));
    }
}
