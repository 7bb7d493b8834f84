package io.basalt.insert.fuzz;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.basalt.insert.imports.JsonLinesImport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Minimal reproductions of what fuzzing found, kept as regression tests once fixed. */
class JsonLinesImportFuzzFindingsTest {

    /**
     * Found by {@code JsonLinesImportFuzzTest.damagedExportsAreImportedOrRefused}: Jackson guesses the encoding from
     * the first bytes, reads a body that starts with three NUL bytes as UTF-32, and fails before it tracks a
     * location, so the 400 says "line -1: invalid JSON: Invalid UTF-32 character ..." (JsonLinesImport.java, the
     * JacksonException handler of read). The refusal is right; the line is not one of the body's.
     */
    @Test
    void bodyStartingWithNulBytesIsRefusedAtLineOne() {
        byte[] body = "\0\0\0{\"metric\":{\"__name__\":\"up\"},\"values\":[1],\"timestamps\":[1]}"
                .getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> JsonLinesImport.read(new ByteArrayInputStream(body), (labels, t, v) -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 1: ");
    }
}
