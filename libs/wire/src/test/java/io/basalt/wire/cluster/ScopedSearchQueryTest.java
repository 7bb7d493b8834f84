package io.basalt.wire.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.model.LabelMatcher;
import io.basalt.model.RendezvousRouter;
import io.basalt.model.TenantId;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.Test;

/**
 * The body of owner-filtered digests and searches: it round-trips, a caller without an owner set sends exactly
 * today's search query, an older node cannot mistake a scoped body for a plain one, and the owner sets of a
 * placement split the series between them with none left out or counted twice.
 */
class ScopedSearchQueryTest {

    private static final List<String> NODES = List.of("http://s1:8482", "http://s2:8482", "http://s3:8482");

    private static final SearchQuery QUERY = new SearchQuery(new TenantId(7, 3), 1_000, 2_000,
            List.of(LabelMatcher.equal("job", "node")), 0);

    @Test
    void aScopedQueryRoundTrips() {
        ScopedSearchQuery scoped = new ScopedSearchQuery(QUERY, new OwnerSet(NODES, new int[] { 2, 0 }));

        ScopedSearchQuery back = ScopedSearchQuery.decode(scoped.encode());

        assertThat(back.query()).isEqualTo(QUERY);
        assertThat(back.owners()).isEqualTo(new OwnerSet(NODES, new int[] { 0, 2 }));
    }

    @Test
    void withoutOwnersTheBodyIsAPlainSearchQueryAndCoversEverySeries() {
        byte[] body = ScopedSearchQuery.unscoped(QUERY).encode();

        assertThat(body).isEqualTo(QUERY.encode());
        ScopedSearchQuery back = ScopedSearchQuery.decode(body);
        assertThat(back.owners()).isNull();
        assertThat(back.seriesHashes().test(42)).isTrue();
    }

    @Test
    void aNodeThatReadsOnlySearchQueriesRefusesAScopedBody() {
        byte[] scoped = new ScopedSearchQuery(QUERY, new OwnerSet(NODES, new int[] { 0, 1 })).encode();

        assertThatThrownBy(() -> SearchQuery.decode(scoped)).isInstanceOf(MalformedBodyException.class)
            .hasMessageContaining("unknown format");
    }

    @Test
    void ownerPositionsOutsideThePlacementOrRepeatedAndCutBodiesAreRefused() {
        assertThatThrownBy(() -> new OwnerSet(NODES, new int[] { 3 })).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("outside");
        assertThatThrownBy(() -> new OwnerSet(NODES, new int[] { 1, 1 })).hasMessageContaining("twice");
        byte[] scoped = new ScopedSearchQuery(QUERY, new OwnerSet(NODES, new int[] { 0, 1 })).encode();
        for (int cut = 5; cut < scoped.length; cut += 7) {
            int at = cut;
            assertThatThrownBy(() -> ScopedSearchQuery.decode(Arrays.copyOf(scoped, at)))
                .isInstanceOf(MalformedBodyException.class);
        }
    }

    @Test
    void everySeriesBelongsToExactlyTheOwnerSetTheRouterGivesIt() {
        LongPredicate[] pairs = {
            new OwnerSet(NODES, new int[] { 0, 1 }).ownsExactly(),
            new OwnerSet(NODES, new int[] { 0, 2 }).ownsExactly(),
            new OwnerSet(NODES, new int[] { 1, 2 }).ownsExactly() };
        RendezvousRouter router = new RendezvousRouter(NODES);
        SplittableRandom random = new SplittableRandom(15);
        int[] perPair = new int[3];
        for (int i = 0; i < 30_000; i++) {
            long hash = random.nextLong();
            int matched = -1;
            for (int p = 0; p < 3; p++) {
                if (pairs[p].test(hash)) {
                    assertThat(matched).as("hash %x in two owner sets", hash).isEqualTo(-1);
                    matched = p;
                }
            }
            assertThat(matched).as("hash %x in no owner set", hash).isNotEqualTo(-1);
            int notOwner = 2 - matched; // pair 0 = {0,1} leaves out node 2, pair 2 = {1,2} leaves out node 0
            assertThat(router.isOwner(hash, notOwner, 2)).isFalse();
            perPair[matched]++;
        }
        for (int n : perPair) {
            assertThat(n).as("series per owner set").isBetween(9_000, 11_000);
        }
    }
}
