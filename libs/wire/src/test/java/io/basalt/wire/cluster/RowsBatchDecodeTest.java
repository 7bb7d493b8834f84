package io.basalt.wire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.InvalidLabelsException;
import io.basalt.model.LabelEncoding;
import io.basalt.model.Labels;
import io.basalt.model.SeriesBatch;
import io.basalt.model.StaleMarker;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The in-place decoding of a rows block gives the same series as the full decoding, with each label section being the
 * canonical bytes of its label set (what lets storage find known series by their bytes), and refuses a damaged block
 * only with {@link MalformedBodyException}.
 */
class RowsBatchDecodeTest {

    private static final long SEED = Long.getLong("rows.seed", System.nanoTime());

    @Test
    void decodesWhatWasEncodedWithCanonicalLabelBytes() {
        Random random = new Random(SEED);
        for (int round = 0; round < 500; round++) {
            TenantId tenant = new TenantId(random.nextInt(5), random.nextInt(3));
            List<TimeSeries> series = randomSeries(random);
            RowsCodec.RowsBatch rows = RowsCodec.decodeBatch(RowsCodec.encode(tenant, series));

            assertThat(rows.tenant()).isEqualTo(tenant);
            SeriesBatch batch = rows.batch();
            assertThat(batch.toTimeSeries()).as("seed %d", SEED).containsExactlyElementsOf(series);
            for (int i = 0; i < batch.size(); i++) {
                byte[] section = Arrays.copyOfRange(batch.labelBuffer(), batch.labelOffset(i),
                        batch.labelOffset(i) + batch.labelLength(i));
                assertThat(section).as("seed %d", SEED).isEqualTo(LabelEncoding.encode(series.get(i).labels()));
            }
        }
    }

    @Test
    void refusesDamagedBlocksOnlyAsMalformed() {
        Random random = new Random(SEED);
        for (int round = 0; round < 2_000; round++) {
            byte[] body = RowsCodec.encode(TenantId.DEFAULT, randomSeries(random));
            byte[] damaged = random.nextBoolean() ? Arrays.copyOf(body, random.nextInt(body.length))
                    : flipSomeBytes(body, random);
            try {
                SeriesBatch batch = RowsCodec.decodeBatch(damaged).batch();
                for (int i = 0; i < batch.size(); i++) {
                    try {
                        batch.labels(i);
                    }
                    catch (InvalidLabelsException e) {
                        // a damaged name may be empty or repeated: refused when the label set is decoded
                    }
                }
            }
            catch (MalformedBodyException e) {
                // refused cleanly
            }
        }
    }

    @Test
    void aRepeatedLabelNameIsRefusedWhenDecoded() {
        byte[] body = RowsCodec.encode(TenantId.DEFAULT, List.of(TimeSeries.single(Labels.of("a", "1", "b", "2"),
                1, 1)));
        // rename "b" to "a": the structure stays valid, the label set does not
        for (int i = body.length - 1; i > 12; i--) {
            if (body[i] == 'b') {
                body[i] = 'a';
                break;
            }
        }
        SeriesBatch batch = RowsCodec.decodeBatch(body).batch();
        assertThatThrownBy(() -> batch.labels(0)).isInstanceOf(InvalidLabelsException.class)
            .hasMessageContaining("duplicate label name 'a'");
    }

    private static byte[] flipSomeBytes(byte[] body, Random random) {
        byte[] copy = body.clone();
        if (copy.length <= 12) {
            return copy; // header only: nothing after it to damage
        }
        for (int k = 0; k < 1 + random.nextInt(4); k++) {
            copy[12 + random.nextInt(copy.length - 12)] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    private static List<TimeSeries> randomSeries(Random random) {
        List<TimeSeries> out = new ArrayList<>();
        int n = random.nextInt(6);
        for (int s = 0; s < n; s++) {
            Labels.Builder b = Labels.builder().add("__name__", "m" + random.nextInt(1000));
            for (int l = 0; l < random.nextInt(6); l++) {
                b.set("l" + random.nextInt(20), random.nextInt(8) == 0 ? "ü€😀" + l : "v" + random.nextInt(1_000_000));
            }
            int size = 1 + random.nextInt(5);
            long[] ts = new long[size];
            double[] vs = new double[size];
            long t = random.nextLong() >> 20;
            for (int i = 0; i < size; i++) {
                t += random.nextInt(3) == 0 ? -random.nextInt(100_000) : random.nextInt(100_000);
                ts[i] = t;
                vs[i] = random.nextInt(6) == 0 ? StaleMarker.VALUE : random.nextGaussian();
            }
            out.add(new TimeSeries(b.build(), ts, vs));
        }
        return out;
    }
}
