package io.basalt.wire.fuzz;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds where the length prefixes of a valid protobuf message sit, at every nesting level, without its schema: a
 * length-delimited field whose content parses as a message is walked into. Inflating exactly these varints is what
 * tests a decoder's bounds checks; a random position would mostly hit tags and values.
 */
final class ProtobufLayout {

    private ProtobufLayout() {
    }

    static List<Integer> lengthPrefixOffsets(byte[] message) {
        List<Integer> out = new ArrayList<>();
        walk(message, 0, message.length, out, 0);
        return out;
    }

    private static boolean walk(byte[] buf, int from, int length, List<Integer> out, int depth) {
        List<Integer> found = new ArrayList<>();
        try {
            CodedInputStream in = CodedInputStream.newInstance(buf, from, length);
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                    int prefixAt = from + in.getTotalBytesRead();
                    int size = in.readRawVarint32();
                    int contentAt = from + in.getTotalBytesRead();
                    found.add(prefixAt);
                    if (depth < 8) {
                        walk(buf, contentAt, size, found, depth + 1);
                    }
                    in.skipRawBytes(size);
                }
                else if (!in.skipField(tag)) {
                    return false;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            return false;
        }
        out.addAll(found);
        return true;
    }
}
