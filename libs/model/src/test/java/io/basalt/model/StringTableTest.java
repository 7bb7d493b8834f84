package io.basalt.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StringTableTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void repeatedAsciiBytesGiveTheSameInstance() {
        byte[] a = utf8("xxjob=node");
        byte[] b = utf8("node");
        String first = StringTable.decode(a, 6, 4);
        assertThat(first).isEqualTo("node");
        assertThat(StringTable.decode(b, 0, 4)).isSameAs(first);
    }

    @Test
    void nonAsciiIsDecodedButNeverKept() {
        byte[] b = utf8("zürich");
        assertThat(StringTable.ascii(b, 0, b.length)).isNull();
        assertThat(StringTable.decode(b, 0, b.length)).isEqualTo("zürich");
        byte[] invalid = { 'a', (byte) 0xC3 };
        assertThat(StringTable.ascii(invalid, 0, 2)).isNull();
    }

    @Test
    void concurrentDecodersAlwaysGetTheirOwnBytesBack() throws Exception {
        int threads = 4;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long seed = t;
            Thread thread = new Thread(() -> {
                Random random = new Random(seed);
                try {
                    for (int i = 0; i < 200_000; i++) {
                        // few distinct lengths and many values: colliding slots are overwritten all the time
                        String expected = "v" + random.nextInt(100_000);
                        byte[] bytes = utf8(expected);
                        String got = StringTable.decode(bytes, 0, bytes.length);
                        if (!got.equals(expected)) {
                            throw new AssertionError("asked for " + expected + ", got " + got);
                        }
                    }
                }
                catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            running.add(thread);
            thread.start();
        }
        for (Thread thread : running) {
            thread.join();
        }
        assertThat(failure.get()).isNull();
    }
}
