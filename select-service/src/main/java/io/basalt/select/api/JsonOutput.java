package io.basalt.select.api;

import io.basalt.promql.engine.ShortestDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JSON text written straight into a byte array as UTF-8, which becomes the response buffer without copying
 * ({@link #take()}): numbers, timestamps and strings are encoded in place, never through a String. Not thread-safe.
 */
final class JsonOutput {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ShortestDecimal decimal = new ShortestDecimal();

    private byte[] buf;

    private int len;

    JsonOutput(int initialCapacity) {
        this.buf = new byte[initialCapacity];
    }

    int length() {
        return len;
    }

    /** One character that must be ASCII (JSON punctuation). */
    JsonOutput ascii(char c) {
        ensure(1);
        buf[len++] = (byte) c;
        return this;
    }

    /** Text that must be ASCII (JSON punctuation and keys written by this code). */
    JsonOutput ascii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
        return this;
    }

    JsonOutput number(long n) {
        ensure(20);
        if (n < 0) {
            buf[len++] = '-';
            if (n == Long.MIN_VALUE) {
                return ascii("9223372036854775808");
            }
            n = -n;
        }
        int digits = 1;
        for (long rest = n / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = len + digits - 1; i >= len; i--) {
            buf[i] = (byte) ('0' + n % 10);
            n /= 10;
        }
        len += digits;
        return this;
    }

    /** A sample value as Prometheus writes it, Go's shortest 'f' form ({@link ShortestDecimal#writePlain}). */
    JsonOutput value(double v) {
        ensure(ShortestDecimal.MAX_PLAIN_LENGTH);
        len = decimal.writePlain(buf, len, v);
        return this;
    }

    /**
     * Milliseconds as Prometheus writes a timestamp, seconds with up to three decimals and no trailing zeros:
     * {@code 1700000000123} is {@code 1700000000.123}, {@code 1700000000100} is {@code 1700000000.1}.
     */
    JsonOutput timestamp(long ms) {
        long seconds = ms / 1000;
        int millis = (int) (ms % 1000);
        if (ms < 0) {
            ascii('-');
            seconds = -seconds;
            millis = -millis;
        }
        number(seconds);
        if (millis == 0) {
            return this;
        }
        ensure(4);
        buf[len++] = '.';
        buf[len++] = (byte) ('0' + millis / 100);
        if (millis % 100 != 0) {
            buf[len++] = (byte) ('0' + millis / 10 % 10);
            if (millis % 10 != 0) {
                buf[len++] = (byte) ('0' + millis % 10);
            }
        }
        return this;
    }

    /**
     * A JSON string: quotes, backslashes and control characters escaped, everything else as UTF-8 (an unpaired
     * surrogate becomes '?', as {@link String#getBytes} does).
     */
    JsonOutput string(String s) {
        // At most 6 bytes per char: an escape (\u001f) is 6, a BMP char 3, a surrogate pair 4 for two chars.
        ensure(s.length() * 6 + 2);
        buf[len++] = '"';
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                buf[len++] = (byte) c;
            }
            else if (c < 0x80) {
                escape(c);
            }
            else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | c >> 6);
                buf[len++] = (byte) (0x80 | c & 0x3f);
            }
            else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                buf[len++] = (byte) (0xf0 | cp >> 18);
                buf[len++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buf[len++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buf[len++] = (byte) (0x80 | cp & 0x3f);
            }
            else if (Character.isSurrogate(c)) {
                buf[len++] = '?';
            }
            else {
                buf[len++] = (byte) (0xe0 | c >> 12);
                buf[len++] = (byte) (0x80 | c >> 6 & 0x3f);
                buf[len++] = (byte) (0x80 | c & 0x3f);
            }
        }
        buf[len++] = '"';
        return this;
    }

    private void escape(char c) {
        buf[len++] = '\\';
        switch (c) {
            case '"' -> buf[len++] = '"';
            case '\\' -> buf[len++] = '\\';
            case '\n' -> buf[len++] = 'n';
            case '\r' -> buf[len++] = 'r';
            case '\t' -> buf[len++] = 't';
            default -> {
                buf[len++] = 'u';
                buf[len++] = '0';
                buf[len++] = '0';
                buf[len++] = HEX[c >> 4];
                buf[len++] = HEX[c & 0xf];
            }
        }
    }

    /** What was written, as a buffer over this output's array (no copy); write no more after this. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(buf, 0, len);
    }

    @Override
    public String toString() {
        return new String(buf, 0, len, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (len + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + more));
        }
    }
}
