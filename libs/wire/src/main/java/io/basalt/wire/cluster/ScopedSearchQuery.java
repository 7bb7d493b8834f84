package io.basalt.wire.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.LongPredicate;

/**
 * The body of {@code /internal/digest} and {@code /internal/search}: a search query, optionally limited to the series
 * of one {@link OwnerSet}. Without an owner set it is exactly a {@link SearchQuery} body, so callers that send none
 * are answered as before; with one it starts with its own magic, so a node that does not know the limit refuses the
 * body (400) rather than answer every series as if limited.
 *
 * <p>Wire form: a search query, or {@code "BOS1" nodes:uvarint node:str* owners:uvarint owner:uvarint*} followed by
 * a whole search query ({@code owner} is a position in the node list).
 *
 * @param owners null when every series is asked for
 */
public record ScopedSearchQuery(SearchQuery query, OwnerSet owners) {

    private static final byte[] MAGIC = "BOS1".getBytes(StandardCharsets.US_ASCII);

    public static ScopedSearchQuery unscoped(SearchQuery query) {
        return new ScopedSearchQuery(query, null);
    }

    /** True for the series hashes the query covers (every hash when it has no owner set). */
    public LongPredicate seriesHashes() {
        return owners == null ? hash -> true : owners.ownsExactly();
    }

    public byte[] encode() {
        byte[] search = query.encode();
        if (owners == null) {
            return search;
        }
        BinaryWriter w = new BinaryWriter(64 + owners.placement().size() * 32 + search.length);
        w.bytes(MAGIC);
        owners.write(w);
        w.bytes(search);
        return w.toByteArray();
    }

    /** @throws MalformedBodyException when the body is neither a search query nor a complete scoped one */
    public static ScopedSearchQuery decode(byte[] body) {
        if (!startsWithMagic(body)) {
            return unscoped(SearchQuery.decode(body));
        }
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "scoped search query");
        OwnerSet owners = OwnerSet.read(r);
        return new ScopedSearchQuery(SearchQuery.decode(Arrays.copyOfRange(body, r.position(), body.length)), owners);
    }

    private static boolean startsWithMagic(byte[] body) {
        return body.length >= MAGIC.length && Arrays.equals(body, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }
}
