package io.basalt.wire.vmnative;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Found by VmNativeReaderFuzzTest in CI: a field length of 2^63 or more read as negative and passed the check. */
class ByteCursorTest {

    @Test
    void aFieldLengthTooLargeForALongIsAFormatError() {
        byte[] data = { (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff, 0x01, 1, 2, 3 };

        assertThatThrownBy(() -> new ByteCursor(data, "values").bytes()).isInstanceOf(VmNativeFormatException.class)
            .hasMessage("values: a field of 18446744073709551615 bytes runs past the end");
    }
}
