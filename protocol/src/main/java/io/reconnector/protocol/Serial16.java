package io.reconnector.protocol;

/**
 * 16-bit serial-number arithmetic (RFC 1982 with SERIAL_BITS = 16).
 *
 * <p>Message ids wrap at 65,536, so "later" cannot be plain {@code >}: id 0x0002 is after
 * 0xFFFE. Every comparison of ids in the project goes through here. Two ids exactly half
 * the space apart (32,768) are incomparable; the protocol keeps at most 32,768 messages
 * unacked, so that case never arises between ids that matter at the same time.
 */
public final class Serial16 {
    public static final int MODULUS = 1 << 16;
    public static final int MASK = MODULUS - 1;
    /** The largest number of ids that may be unacked in one direction. */
    public static final int HALF = 1 << 15;
    /** "Nothing handled yet": the id just before the first one, 0x0000. */
    public static final int NONE = MASK;

    private Serial16() {
    }

    /** {@code id + n}, wrapped into 16 bits. {@code n} may be negative. */
    public static int add(int id, int n) {
        return (id + n) & MASK;
    }

    public static int next(int id) {
        return (id + 1) & MASK;
    }

    /**
     * The signed distance from {@code from} to {@code to}, in [-32768, 32767]: positive when
     * {@code to} is after {@code from}.
     */
    public static int distance(int from, int to) {
        return (short) ((to - from) & MASK);
    }

    /** True when {@code a} comes strictly after {@code b} (RFC 1982 "greater than"). */
    public static boolean isAfter(int a, int b) {
        int d = distance(b, a);
        return d > 0;
    }

    /** True when {@code a} is {@code b} or comes before it. */
    public static boolean isAtOrBefore(int a, int b) {
        return !isAfter(a, b);
    }

    public static int check(int id, String what) {
        if (id < 0 || id > MASK) {
            throw new IllegalArgumentException(what + " must be a 16-bit value, got " + id);
        }
        return id;
    }

    public static String hex(int id) {
        return String.format("0x%04x", id);
    }
}
