package io.basalt.bench.promql;

import io.basalt.promql.engine.ShortestDecimal;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of writing 1,024 sample values as Prometheus' API does (Go's shortest 'f' form): {@link ShortestDecimal}
 * against the BigDecimal search select used before (reproduced here as the baseline). Run by hand:
 * {@code java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" org.openjdk.jmh.Main NumberFormatBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class NumberFormatBenchmark {

    @Param({ "counter2dec", "integer", "randomDouble", "rate" })
    String shape;

    double[] values;

    private final StringBuilder out = new StringBuilder(32 * 1024);

    private final byte[] bytes = new byte[1024 * (ShortestDecimal.MAX_PLAIN_LENGTH + 1)];

    private final ShortestDecimal decimal = new ShortestDecimal();

    @Setup
    public void setup() {
        Random r = new Random(1);
        values = new double[1024];
        double v = 1000;
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (shape) {
                case "counter2dec" -> v = Math.round(v * 100 + r.nextInt(1500)) / 100.0;
                case "integer" -> v += r.nextInt(5000);
                case "randomDouble" -> r.nextDouble() * 1e6;
                // what rate() gives: a difference divided by a window in seconds, full 17-digit precision
                default -> (r.nextInt(100_000) / 300.0) * 1.0000001;
            };
        }
    }

    /** As select writes values now: ASCII straight into the response's byte array. */
    @Benchmark
    public int shortestDecimal() {
        int at = 0;
        for (double v : values) {
            at = decimal.writePlain(bytes, at, v);
            bytes[at++] = ',';
        }
        return at;
    }

    /** As select wrote values before: a String per value, appended to a StringBuilder. */

    @Benchmark
    public int bigDecimal() {
        out.setLength(0);
        for (double v : values) {
            out.append(bigDecimalFormat(v)).append(',');
        }
        return out.length();
    }

    /** select's PrometheusJson.formatValue before ShortestDecimal. */
    static String bigDecimalFormat(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (Double.doubleToRawLongBits(v) < 0) ? "-0" : "0";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        BigDecimal printed = new BigDecimal(Double.toString(v));
        if (printed.stripTrailingZeros().precision() <= 15) {
            return printed.stripTrailingZeros().toPlainString();
        }
        BigDecimal exact = new BigDecimal(v);
        int digits = 15;
        if (readsBack(exact, digits, v)) {
            while (digits > 1 && readsBack(exact, digits - 1, v)) {
                digits--;
            }
        }
        else {
            while (digits < 17 && !readsBack(exact, digits, v)) {
                digits++;
            }
        }
        return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN)).stripTrailingZeros().toPlainString();
    }

    private static boolean readsBack(BigDecimal exact, int digits, double v) {
        return exact.round(new MathContext(digits, RoundingMode.HALF_EVEN)).doubleValue() == v;
    }
}
