package io.basalt.wire.fuzz;

import io.basalt.fuzzing.FuzzBudget;
import io.basalt.fuzzing.Refusals;
import io.basalt.fuzzing.ByteMutations;
import static org.assertj.core.api.Assertions.assertThat;

import io.basalt.model.LabelMatcher;
import io.basalt.model.Labels;
import io.basalt.model.TenantId;
import io.basalt.model.TimeSeries;
import io.basalt.wire.cluster.MalformedBodyException;
import io.basalt.wire.cluster.RowsCodec;
import io.basalt.wire.cluster.SearchQuery;
import io.basalt.wire.cluster.StringListCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.statistics.Statistics;

/**
 * The internal bodies travel between Basalt's own tiers, but a storage node's port is reachable by anything on the
 * network, and a half-written body reaches it when a peer dies mid-request. Each decoder answers any bytes with a
 * value or a {@link MalformedBodyException} (a 400), never with another exception.
 */
@AddLifecycleHook(FuzzBudget.class)
class ClusterCodecFuzzTest {

    private static final byte[] ROWS_MAGIC = "BRW1".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] SEARCH_MAGIC = "BSQ1".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] STRINGS_MAGIC = "BSL1".getBytes(StandardCharsets.US_ASCII);

    @Property(tries = 1000)
    void randomBodiesBehindEachMagicAreDecodedOrRefused(@ForAll @Size(max = 200) byte[] tail) {
        decodeOrRefuse(RowsCodec::decode, concat(ROWS_MAGIC, tail));
        decodeOrRefuse(SearchQuery::decode, concat(SEARCH_MAGIC, tail));
        decodeOrRefuse(StringListCodec::decode, concat(STRINGS_MAGIC, tail));
    }

    @Property(tries = 300)
    void randomBytesAreRefused(@ForAll @Size(max = 64) byte[] body) {
        decodeOrRefuse(RowsCodec::decode, body);
        decodeOrRefuse(SearchQuery::decode, body);
        decodeOrRefuse(StringListCodec::decode, body);
    }

    @Property(tries = 1500)
    void damagedRowsBlocksAreDecodedOrRefused(@ForAll("damagedRows") byte[] body) {
        Statistics.collect(decodeOrRefuse(RowsCodec::decode, body) == null ? "refused" : "decoded");
    }

    @Property(tries = 1500)
    void damagedSearchQueriesAreDecodedOrRefused(@ForAll("damagedSearches") byte[] body) {
        Statistics.collect(decodeOrRefuse(SearchQuery::decode, body) == null ? "refused" : "decoded");
    }

    @Property(tries = 1000)
    void damagedStringListsAreDecodedOrRefused(@ForAll("damagedStringLists") byte[] body) {
        Statistics.collect(decodeOrRefuse(StringListCodec::decode, body) == null ? "refused" : "decoded");
    }

    @Provide
    Arbitrary<byte[]> damagedRows() {
        Arbitrary<TimeSeries> series = Combinators.combine(labels(), Arbitraries.longs().array(long[].class)
                        .ofMaxSize(5), Arbitraries.doubles())
                .as((labels, ts, v) -> {
                    double[] vs = new double[ts.length];
                    Arrays.fill(vs, v);
                    return new TimeSeries(labels, ts, vs);
                });
        return ByteMutations.mutated(Combinators.combine(tenants(), series.list().ofMaxSize(4))
                .as(RowsCodec::encode));
    }

    @Provide
    Arbitrary<byte[]> damagedSearches() {
        Arbitrary<LabelMatcher> matcher = Combinators.combine(Arbitraries.of(LabelMatcher.Type.class), names(),
                        Arbitraries.of("", "x", ".*", "a|b", "node-.+", "[0-9]{2}", "(?i)UP"))
                .as(LabelMatcher::of);
        return ByteMutations.mutated(Combinators.combine(tenants(), Arbitraries.longs(), Arbitraries.longs(),
                        matcher.list().ofMaxSize(4), Arbitraries.integers().between(0, 1000))
                .as((tenant, min, max, matchers, limit) -> new SearchQuery(tenant, min, max, matchers, limit)
                        .encode()));
    }

    @Provide
    Arbitrary<byte[]> damagedStringLists() {
        return ByteMutations.mutated(Arbitraries.strings().ofMaxLength(20).list().ofMaxSize(6)
                .map(StringListCodec::encode));
    }

    private static Arbitrary<TenantId> tenants() {
        return Combinators.combine(Arbitraries.integers(), Arbitraries.integers()).as(TenantId::new);
    }

    private static Arbitrary<String> names() {
        return Arbitraries.oneOf(Arbitraries.of("__name__", "job", "instance"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8));
    }

    private static Arbitrary<Labels> labels() {
        return Arbitraries.maps(names(), Arbitraries.strings().ofMaxLength(12)).ofMinSize(1).ofMaxSize(4)
                .map(map -> {
                    Labels.Builder b = Labels.builder();
                    map.forEach(b::add);
                    return b.build();
                });
    }

    private static <T> T decodeOrRefuse(Function<byte[], T> decoder, byte[] body) {
        return Refusals.decodeOrRefuse(MalformedBodyException.class,
                e -> assertThat(e.getMessage()).isNotBlank(), () -> decoder.apply(body));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
