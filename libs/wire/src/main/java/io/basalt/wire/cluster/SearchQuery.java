package io.basalt.wire.cluster;

import io.basalt.model.LabelMatcher;
import io.basalt.model.TenantId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * What select-service asks a storage node for: a tenant, a time range and label matchers. One body shape serves
 * {@code /internal/search}, {@code /internal/series}, {@code /internal/labels} and
 * {@code /internal/label/{name}/values}. Layout (little-endian fixed ints):
 *
 * <pre>
 * "BSQ1" accountID:u32 projectID:u32 minTime:u64 maxTime:u64 limit:uvarint
 * matcherCount:uvarint { type:u8 (0 =, 1 !=, 2 =~, 3 !~) name:str value:str }*
 * </pre>
 *
 * @param limit most series (or names, values) to return; 0 means no limit
 */
public record SearchQuery(TenantId tenant, long minTime, long maxTime, List<LabelMatcher> matchers, int limit) {

    private static final byte[] MAGIC = "BSQ1".getBytes(StandardCharsets.US_ASCII);

    public static final String CONTENT_TYPE = "application/x-basalt-search";

    public byte[] encode() {
        BinaryWriter w = new BinaryWriter(64 + matchers.size() * 32);
        w.bytes(MAGIC);
        w.fixed32(tenant.accountId());
        w.fixed32(tenant.projectId());
        w.fixed64(minTime);
        w.fixed64(maxTime);
        w.uvarint(limit);
        w.uvarint(matchers.size());
        for (LabelMatcher m : matchers) {
            w.u8(m.type().ordinal());
            w.string(m.name());
            w.string(m.value());
        }
        return w.toByteArray();
    }

    /** @throws MalformedBodyException when the body is not a complete search query */
    public static SearchQuery decode(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "search query");
        TenantId tenant = new TenantId(r.fixed32(), r.fixed32());
        long minTime = r.fixed64();
        long maxTime = r.fixed64();
        long limit = r.uvarint();
        int n = r.count("matcher");
        List<LabelMatcher> matchers = new ArrayList<>(n);
        LabelMatcher.Type[] types = LabelMatcher.Type.values();
        for (int i = 0; i < n; i++) {
            int type = r.u8();
            if (type >= types.length) {
                throw new MalformedBodyException("search query: unknown matcher type " + type);
            }
            String name = r.string();
            String value = r.string();
            try {
                matchers.add(LabelMatcher.of(types[type], name, value));
            }
            catch (PatternSyntaxException e) {
                throw new MalformedBodyException("search query: invalid regex for label " + name + ": "
                        + e.getDescription());
            }
        }
        return new SearchQuery(tenant, minTime, maxTime, matchers, (int) Math.min(limit, Integer.MAX_VALUE));
    }
}
