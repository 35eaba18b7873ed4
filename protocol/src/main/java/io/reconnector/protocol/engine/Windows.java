package io.reconnector.protocol.engine;

/** Window arithmetic of PROTOCOL.md §5: a window field counts units of 256 bytes. */
public final class Windows {
    /** Bytes per window unit. */
    public static final int UNIT = 256;
    /** The largest window a frame carries (a u16 field). */
    public static final int MAX_UNITS = 0xFFFF;

    private Windows() {
    }

    /** The bytes a window of {@code units} grants. */
    public static long bytes(int units) {
        return (long) units * UNIT;
    }
}
