package io.basalt.bench.tsdb;

import io.basalt.tsdb.codec.TimestampCodec;
import io.basalt.tsdb.codec.ValueCodec;
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
 * Encode/decode cost of one block of the engine's column codecs. Run by hand:
 * {@code java -cp bench/target/classes:<deps> org.openjdk.jmh.Main CodecBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

    @Param({ "120", "8192" })
    int rows;

    @Param({ "counter2dec", "gauge2dec", "integerBytes", "randomDouble", "constant" })
    String shape;

    long[] timestamps;

    double[] values;

    byte[] encodedTimestamps;

    byte[] encodedValues;

    @Setup
    public void setup() {
        Random r = new Random(1);
        timestamps = new long[rows];
        values = new double[rows];
        long t = 1_700_000_000_000L;
        double v = 1000;
        for (int i = 0; i < rows; i++) {
            t += 15_000 + (r.nextInt(20) == 0 ? r.nextInt(10) : 0);
            timestamps[i] = t;
            v = switch (shape) {
                case "counter2dec" -> Math.round(v * 100 + r.nextInt(1500)) / 100.0;
                case "gauge2dec" -> Math.round(v * 100 + r.nextInt(201) - 100) / 100.0;
                case "integerBytes" -> v + 4096 * r.nextInt(1000);
                case "randomDouble" -> r.nextDouble() * 1e6;
                default -> 1;
            };
            values[i] = v;
        }
        encodedTimestamps = TimestampCodec.encode(timestamps, rows);
        encodedValues = ValueCodec.encode(values, rows);
    }

    @Benchmark
    public byte[] encodeValues() {
        return ValueCodec.encode(values, rows);
    }

    @Benchmark
    public double[] decodeValues() {
        return ValueCodec.decode(encodedValues, rows);
    }

    @Benchmark
    public byte[] encodeTimestamps() {
        return TimestampCodec.encode(timestamps, rows);
    }

    @Benchmark
    public long[] decodeTimestamps() {
        return TimestampCodec.decode(encodedTimestamps, rows);
    }
}
