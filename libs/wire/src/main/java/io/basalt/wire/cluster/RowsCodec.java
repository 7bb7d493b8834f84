package io.basalt.wire.cluster;

import io.basalt.model.LabelEncoding;
import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows block: series with samples for one tenant. insert-service sends it to storage ({@code /internal/insert})
 * and storage streams search results back in it ({@code /internal/search}). Layout (little-endian fixed ints):
 *
 * <pre>
 * "BRW1" accountID:u32 projectID:u32
 * { labelCount:uvarint { name:str value:str }* sampleCount:uvarint firstTs:varint { tsDelta:varint }* { valueBits:u64 }* }*
 * str = byteLength:uvarint utf8
 * </pre>
 *
 * Timestamps are delta-encoded because scrapes are regular, so most deltas fit in two bytes; values are raw bits so
 * that NaN payloads survive. A series' label section is {@link LabelEncoding}'s canonical form when the sender encoded
 * a {@link Labels}, which lets storage look the series up by its bytes ({@link #decodeBatch}).
 */
public final class RowsCodec {

    private static final byte[] MAGIC = "BRW1".getBytes(StandardCharsets.US_ASCII);

    public static final String CONTENT_TYPE = "application/x-basalt-rows";

    private RowsCodec() {
    }

    public static byte[] encode(TenantId tenant, List<TimeSeries> series) {
        BinaryWriter w = new BinaryWriter(encodedSize(series));
        w.bytes(MAGIC);
        w.fixed32(tenant.accountId());
        w.fixed32(tenant.projectId());
        for (TimeSeries ts : series) {
            Labels labels = ts.labels();
            w.uvarint(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                w.string(labels.name(i));
                w.string(labels.value(i));
            }
            w.uvarint(ts.size());
            long prev = 0;
            for (int i = 0; i < ts.size(); i++) {
                w.varint(ts.timestamp(i) - prev);
                prev = ts.timestamp(i);
            }
            for (int i = 0; i < ts.size(); i++) {
                w.fixed64(Double.doubleToRawLongBits(ts.value(i)));
            }
        }
        return w.toByteArray();
    }

    /**
     * The block's size, exact when label strings are ASCII, so the writer allocates once and hands its buffer over
     * without a copy: a body is the largest allocation of an insert request.
     */
    private static int encodedSize(List<TimeSeries> series) {
        long size = MAGIC.length + 8;
        for (TimeSeries ts : series) {
            Labels labels = ts.labels();
            size += BinaryWriter.uvarintSize(labels.size());
            for (int i = 0; i < labels.size(); i++) {
                size += stringSize(labels.name(i)) + stringSize(labels.value(i));
            }
            int n = ts.size();
            size += BinaryWriter.uvarintSize(n) + 8L * n;
            long prev = 0;
            for (int i = 0; i < n; i++) {
                long delta = ts.timestamp(i) - prev;
                size += BinaryWriter.uvarintSize((delta << 1) ^ (delta >> 63));
                prev = ts.timestamp(i);
            }
        }
        return (int) Math.min(Integer.MAX_VALUE - 16, size);
    }

    private static int stringSize(String s) {
        return BinaryWriter.uvarintSize(s.length()) + s.length();
    }

    /** A decoded rows block. */
    public record Rows(TenantId tenant, List<TimeSeries> series) {

        public long sampleCount() {
            long n = 0;
            for (TimeSeries ts : series) {
                n += ts.size();
            }
            return n;
        }
    }

    /** A rows block decoded in place: label sets stay bytes of the body. */
    public record RowsBatch(TenantId tenant, SeriesBatch batch) {
    }

    /**
     * Decodes the structure and samples of a rows block, leaving each label set as a range of {@code body} (which the
     * batch keeps). Label names are checked when a label set is decoded, by {@link SeriesBatch#labels}.
     *
     * @throws MalformedBodyException when the body is not a complete rows block
     */
    public static RowsBatch decodeBatch(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "rows block");
        TenantId tenant = new TenantId(r.fixed32(), r.fixed32());
        // Sized for small series (a label set of ~50 bytes, one sample), so that the columns seldom grow: growing
        // them allocated more than sizing them for the smallest likely series does.
        SeriesBatch.Builder b = new SeriesBatch.Builder(body, body.length / 64, body.length / 64);
        long[] scratch = new long[16];
        while (r.hasMore()) {
            int start = r.position();
            int end = LabelEncoding.scan(body, start, body.length);
            if (end < 0) {
                throw new MalformedBodyException("rows block: label set at byte " + start + " exceeds the body");
            }
            b.series(start, end - start);
            r.skipTo(end);
            int n = r.count("sample");
            if (n > (body.length - r.position()) / 9) {
                throw new MalformedBodyException("rows block: sample count " + n + " exceeds the body");
            }
            if (scratch.length < n) {
                scratch = new long[Math.max(n, scratch.length * 2)];
            }
            long prev = 0;
            for (int i = 0; i < n; i++) {
                prev += r.varint();
                scratch[i] = prev;
            }
            for (int i = 0; i < n; i++) {
                b.sample(scratch[i], Double.longBitsToDouble(r.fixed64()));
            }
        }
        return new RowsBatch(tenant, b.build());
    }

    /** @throws MalformedBodyException when the body is not a complete rows block */
    public static Rows decode(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "rows block");
        TenantId tenant = new TenantId(r.fixed32(), r.fixed32());
        List<TimeSeries> series = new ArrayList<>();
        while (r.hasMore()) {
            int labelCount = r.count("label");
            Labels.Builder b = Labels.builder();
            for (int i = 0; i < labelCount; i++) {
                String name = r.string();
                String value = r.string();
                try {
                    b.add(name, value);
                }
                catch (IllegalArgumentException e) {
                    throw new MalformedBodyException("rows block: " + e.getMessage());
                }
            }
            int n = r.count("sample");
            long[] ts = new long[n];
            double[] vs = new double[n];
            long prev = 0;
            for (int i = 0; i < n; i++) {
                prev += r.varint();
                ts[i] = prev;
            }
            for (int i = 0; i < n; i++) {
                vs[i] = Double.longBitsToDouble(r.fixed64());
            }
            series.add(new TimeSeries(b.build(), ts, vs));
        }
        return new Rows(tenant, series);
    }
}
