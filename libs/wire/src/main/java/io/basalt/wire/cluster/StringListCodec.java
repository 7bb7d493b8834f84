package io.basalt.wire.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Label names or values from a storage node: {@code "BSL1" count:uvarint { str }*}. */
public final class StringListCodec {

    private static final byte[] MAGIC = "BSL1".getBytes(StandardCharsets.US_ASCII);

    public static final String CONTENT_TYPE = "application/x-basalt-strings";

    private StringListCodec() {
    }

    public static byte[] encode(List<String> strings) {
        BinaryWriter w = new BinaryWriter(8 + strings.size() * 16);
        w.bytes(MAGIC);
        w.uvarint(strings.size());
        for (String s : strings) {
            w.string(s);
        }
        return w.toByteArray();
    }

    public static List<String> decode(byte[] body) {
        BinaryReader r = new BinaryReader(body);
        r.expectMagic(MAGIC, "string list");
        int n = r.count("string");
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(r.string());
        }
        return out;
    }
}
