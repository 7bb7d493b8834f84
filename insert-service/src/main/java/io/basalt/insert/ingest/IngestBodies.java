package io.basalt.insert.ingest;

import io.basalt.node.web.PayloadTooLargeException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Header checks and size-bounded body streams shared by the ingestion endpoints. The size limit
 * ({@code basalt.insert.max-insert-request-size}) applies to the bytes received and, for gzip, again to the bytes
 * they decompress to, so a small compressed body cannot expand into unbounded memory.
 */
final class IngestBodies {

    private static final int PREFETCH_BUFFERS = 16;

    private IngestBodies() {
    }

    /**
     * Prometheus remote write 1.0 is a snappy-compressed protobuf {@code WriteRequest}. A missing content type is
     * accepted as Prometheus itself does; one that names another format (JSON, text, remote write 2.0's
     * {@code proto=io.prometheus.write.v2.Request}) or an encoding other than snappy is refused with 415.
     */
    static void requireRemoteWrite(HttpHeaders headers) {
        String type = headers.getFirst(HttpHeaders.CONTENT_TYPE);
        if (type != null && !type.isBlank()) {
            String t = type.toLowerCase(Locale.ROOT).replace(" ", "");
            String base = t.contains(";") ? t.substring(0, t.indexOf(';')) : t;
            boolean protobuf = base.equals("application/x-protobuf") || base.equals("application/protobuf")
                    || base.equals("application/vnd.google.protobuf") || base.equals("application/octet-stream");
            if (!protobuf) {
                throw new UnsupportedMediaTypeException("unsupported Content-Type '" + type + "': remote write "
                        + "expects application/x-protobuf (snappy-compressed prometheus.WriteRequest)");
            }
            int proto = t.indexOf("proto=");
            if (proto >= 0 && !t.startsWith("prometheus.writerequest", proto + "proto=".length())) {
                throw new UnsupportedMediaTypeException("unsupported Content-Type '" + type
                        + "': only remote write 1.0 (proto=prometheus.WriteRequest) is accepted");
            }
        }
        String encoding = headers.getFirst(HttpHeaders.CONTENT_ENCODING);
        if (encoding != null && !encoding.isBlank() && !encoding.trim().equalsIgnoreCase("snappy")) {
            throw new UnsupportedMediaTypeException("unsupported Content-Encoding '" + encoding
                    + "': remote write bodies are snappy block-compressed");
        }
    }

    /**
     * A blocking stream over the request body, gunzipped when {@code Content-Encoding: gzip}. Reading past
     * {@code maxBytes} (received or decompressed) throws {@link PayloadTooLargeException}. A declared
     * {@code Content-Length} over the limit is refused before this, by {@code BoundedBody.refuseIfDeclaredOver}.
     */
    static InputStream open(ServerHttpRequest request, long maxBytes) throws IOException {
        HttpHeaders headers = request.getHeaders();
        boolean gzip = isGzip(headers.getFirst(HttpHeaders.CONTENT_ENCODING));
        InputStream raw = new Bounded(DataBufferUtils.subscriberInputStream(request.getBody(), PREFETCH_BUFFERS),
                maxBytes, "request body");
        if (!gzip) {
            return raw;
        }
        try {
            return new Bounded(new GZIPInputStream(raw, 64 * 1024), maxBytes, "gzip-decompressed request body");
        }
        catch (IOException e) {
            raw.close();
            throw e;
        }
    }

    /** @throws UnsupportedMediaTypeException for an encoding the import endpoints cannot decode */
    private static boolean isGzip(String encoding) {
        if (encoding == null || encoding.isBlank() || encoding.trim().equalsIgnoreCase("identity")) {
            return false;
        }
        String e = encoding.trim().toLowerCase(Locale.ROOT);
        if (e.equals("gzip") || e.equals("x-gzip")) {
            return true;
        }
        throw new UnsupportedMediaTypeException("unsupported Content-Encoding '" + encoding
                + "': send the body uncompressed or with Content-Encoding: gzip");
    }

    private static PayloadTooLargeException tooLarge(String what, long max) {
        return new PayloadTooLargeException(what + " exceeds the limit of " + max
                + " bytes (basalt.insert.max-insert-request-size)");
    }

    /** Fails the read that would pass {@code max} bytes instead of reading on. */
    private static final class Bounded extends FilterInputStream {

        private final long max;

        private final String what;

        private long count;

        Bounded(InputStream in, long max, String what) {
            super(in);
            this.max = max;
            this.what = what;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void counted(int n) {
            count += n;
            if (count > max) {
                throw tooLarge(what, max);
            }
        }
    }
}
