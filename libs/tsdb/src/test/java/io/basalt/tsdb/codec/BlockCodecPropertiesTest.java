package io.basalt.tsdb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class BlockCodecPropertiesTest {

    private static final long STALE_NAN = 0x7ff0000000000002L;

    @Property(tries = 300)
    void anyTimestampsRoundTrip(@ForAll @Size(min = 1, max = 600) List<@net.jqwik.api.constraints.LongRange(
            min = Long.MIN_VALUE, max = Long.MAX_VALUE) Long> raw) {
        long[] ts = raw.stream().mapToLong(Long::longValue).toArray();
        assertThat(TimestampCodec.decode(TimestampCodec.encode(ts, ts.length), ts.length)).containsExactly(ts);
    }

    @Property(tries = 300)
    void scrapeLikeTimestampsWithJitterDuplicatesAndDisorderRoundTrip(@ForAll("scrapeTimestamps") long[] ts) {
        assertThat(TimestampCodec.decode(TimestampCodec.encode(ts, ts.length), ts.length)).containsExactly(ts);
    }

    @Property(tries = 500)
    void everyValueBitPatternRoundTrips(@ForAll("values") double[] values) {
        double[] decoded = ValueCodec.decode(ValueCodec.encode(values, values.length), values.length);
        assertThat(bits(decoded)).containsExactly(bits(values));
    }

    @Property(tries = 200)
    void decimalDataRoundTripsAndBeatsEightBytesPerValue(@ForAll("decimalGauge") double[] values) {
        byte[] encoded = ValueCodec.encode(values, values.length);
        assertThat(bits(ValueCodec.decode(encoded, values.length))).containsExactly(bits(values));
        assertThat(encoded.length).isLessThan(values.length * 4);
    }

    @Property(tries = 200)
    void aFewSpecialValuesKeepADecimalBlockCompact(@ForAll("decimalGauge") double[] values,
            @ForAll("specialValue") double special, @ForAll("positions") List<Integer> positions) {
        double[] v = values.clone();
        for (int p : positions) {
            v[p % v.length] = special;
        }
        v[v.length - 1] = Double.longBitsToDouble(STALE_NAN); // a series that ended
        byte[] encoded = ValueCodec.encode(v, v.length);
        assertThat(bits(ValueCodec.decode(encoded, v.length))).containsExactly(bits(v));
        assertThat(encoded.length).isLessThan(v.length * 4);
    }

    @Provide
    Arbitrary<Double> specialValue() {
        return Arbitraries.of(Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.PI,
                Double.longBitsToDouble(STALE_NAN));
    }

    @Provide
    Arbitrary<List<Integer>> positions() {
        return Arbitraries.integers().between(0, 10_000).list().ofMaxSize(8);
    }

    @Provide
    Arbitrary<long[]> scrapeTimestamps() {
        return Arbitraries.integers().between(1, 3000).flatMap(n -> Arbitraries.integers().between(-50, 50)
            .array(int[].class).ofSize(n).map(jitter -> {
                long[] ts = new long[n];
                long t = 1_700_000_000_000L;
                for (int i = 0; i < n; i++) {
                    t += 15_000;
                    // Most scrapes are exact; some jitter, repeat or step back.
                    ts[i] = jitter[i] % 7 == 0 ? t + jitter[i] : jitter[i] == 13 ? ts[Math.max(0, i - 1)] : t;
                }
                return ts;
            }));
    }

    @Provide
    Arbitrary<double[]> values() {
        Arbitrary<Double> special = Arbitraries.of(Double.NaN, Double.longBitsToDouble(STALE_NAN), -0.0, 0.0,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE,
                Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 1e300, 1e-300,
                Double.longBitsToDouble(0x7ff8000000000abcL));
        Arbitrary<Double> decimals = Arbitraries.integers().between(-1_000_000, 1_000_000).map(i -> i / 100.0);
        Arbitrary<Double> anyBits = Arbitraries.longs().map(Double::longBitsToDouble);
        Arbitrary<Double> counters = Arbitraries.longs().between(0, 1L << 60).map(l -> (double) l);
        Arbitrary<Double> one = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, special), net.jqwik.api.Tuple.of(4, decimals),
                net.jqwik.api.Tuple.of(2, anyBits), net.jqwik.api.Tuple.of(2, counters));
        return Arbitraries.oneOf(
            one.array(double[].class).ofMinSize(1).ofMaxSize(400),
            decimals.array(double[].class).ofMinSize(1).ofMaxSize(400),
            Arbitraries.integers().between(1, 300).flatMap(n -> one.map(v -> {
                double[] same = new double[n];
                java.util.Arrays.fill(same, v);
                return same;
            })));
    }

    @Provide
    Arbitrary<double[]> decimalGauge() {
        return Arbitraries.integers().between(200, 2000).flatMap(n -> Arbitraries.integers().between(-300, 300)
            .array(int[].class).ofSize(n).map(steps -> {
                double[] v = new double[n];
                long cents = 123_456;
                for (int i = 0; i < n; i++) {
                    cents += steps[i];
                    v[i] = cents / 100.0;
                }
                return v;
            }));
    }

    private static long[] bits(double[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }
}
