package io.basalt.model;

/**
 * Prometheus ends a series by writing this exact NaN bit pattern. It must survive every hop bit-exactly, so values
 * are compared and stored by their raw bits, never through {@code ==} or {@link Double#isNaN}.
 */
public final class StaleMarker {

    public static final long BITS = 0x7ff0000000000002L;

    public static final double VALUE = Double.longBitsToDouble(BITS);

    private StaleMarker() {
    }

    public static boolean isStale(double value) {
        return Double.doubleToRawLongBits(value) == BITS;
    }
}
