package io.basalt.tsdb.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.fuzzing.Gen;
import io.basalt.fuzzing.Seeded;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BlockCodecPropertiesTest {

    private static final long STALE_NAN = 0x7ff0000000000002L;

    @Test
    void anyTimestampsRoundTrip() {
        Seeded.forAll(300, g -> {
            long[] ts = new long[g.intBetween(1, 600)];
            for (int i = 0; i < ts.length; i++) {
                ts[i] = g.interestingLong();
            }
            assertThat(TimestampCodec.decode(TimestampCodec.encode(ts, ts.length), ts.length)).containsExactly(ts);
        });
    }

    @Test
    void scrapeLikeTimestampsWithJitterDuplicatesAndDisorderRoundTrip() {
        Seeded.forAll(300, g -> {
            long[] ts = scrapeTimestamps(g);
            assertThat(TimestampCodec.decode(TimestampCodec.encode(ts, ts.length), ts.length)).containsExactly(ts);
        });
    }

    @Test
    void everyValueBitPatternRoundTrips() {
        Seeded.forAll(500, g -> {
            double[] values = values(g);
            double[] decoded = ValueCodec.decode(ValueCodec.encode(values, values.length), values.length);
            assertThat(bits(decoded)).containsExactly(bits(values));
        });
    }

    @Test
    void decimalDataRoundTripsAndBeatsEightBytesPerValue() {
        Seeded.forAll(200, g -> {
            double[] values = decimalGauge(g);
            byte[] encoded = ValueCodec.encode(values, values.length);
            assertThat(bits(ValueCodec.decode(encoded, values.length))).containsExactly(bits(values));
            assertThat(encoded.length).isLessThan(values.length * 4);
        });
    }

    @Test
    void aFewSpecialValuesKeepADecimalBlockCompact() {
        Seeded.forAll(200, g -> {
            double[] v = decimalGauge(g);
            double special = g.oneOf(Double.NaN, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Math.PI,
                    Double.longBitsToDouble(STALE_NAN));
            for (int p : g.list(0, 8, x -> x.intBetween(0, 10_000))) {
                v[p % v.length] = special;
            }
            v[v.length - 1] = Double.longBitsToDouble(STALE_NAN); // a series that ended
            byte[] encoded = ValueCodec.encode(v, v.length);
            assertThat(bits(ValueCodec.decode(encoded, v.length))).containsExactly(bits(v));
            assertThat(encoded.length).isLessThan(v.length * 4);
        });
    }

    private static long[] scrapeTimestamps(Gen g) {
        int n = g.intBetween(1, 3000);
        long[] ts = new long[n];
        long t = 1_700_000_000_000L;
        for (int i = 0; i < n; i++) {
            int jitter = g.intBetween(-50, 50);
            t += 15_000;
            // Most scrapes are exact; some jitter, repeat or step back.
            ts[i] = jitter % 7 == 0 ? t + jitter : jitter == 13 ? ts[Math.max(0, i - 1)] : t;
        }
        return ts;
    }

    private static double oneValue(Gen g) {
        return switch (g.intBetween(0, 4)) {
            case 0 -> g.oneOf(Double.NaN, Double.longBitsToDouble(STALE_NAN), -0.0, 0.0, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE,
                    -Double.MAX_VALUE, Double.MIN_NORMAL, 1e300, 1e-300, Double.longBitsToDouble(0x7ff8000000000abcL));
            case 1, 2 -> decimal(g);
            case 3 -> g.anyDoubleBits();
            default -> (double) g.longBetween(0, 1L << 60);
        };
    }

    private static double decimal(Gen g) {
        return g.intBetween(-1_000_000, 1_000_000) / 100.0;
    }

    private static double[] values(Gen g) {
        switch (g.intBetween(0, 2)) {
            case 0 -> {
                double[] v = new double[g.intBetween(1, 400)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = oneValue(g);
                }
                return v;
            }
            case 1 -> {
                double[] v = new double[g.intBetween(1, 400)];
                for (int i = 0; i < v.length; i++) {
                    v[i] = decimal(g);
                }
                return v;
            }
            default -> {
                double[] same = new double[g.intBetween(1, 300)];
                Arrays.fill(same, oneValue(g));
                return same;
            }
        }
    }

    private static double[] decimalGauge(Gen g) {
        int n = g.intBetween(200, 2000);
        double[] v = new double[n];
        long cents = 123_456;
        for (int i = 0; i < n; i++) {
            cents += g.intBetween(-300, 300);
            v[i] = cents / 100.0;
        }
        return v;
    }

    private static long[] bits(double[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Double.doubleToRawLongBits(values[i]);
        }
        return out;
    }
}
