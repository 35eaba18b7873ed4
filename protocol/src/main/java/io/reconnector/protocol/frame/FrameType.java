package io.reconnector.protocol.frame;

/**
 * Every frame the protocol defines (PROTOCOL.md §1): its code byte and its size. The size is
 * written once, here; records and the decoder both read it from here.
 */
public enum FrameType {
    START_SESSION(0x01, 5),
    RECONNECT_SESSION(0x02, 7),
    SESSION_STARTED(0x03, 7),
    SESSION_REJECTED(0x04, 5),
    NEW_CONNECTION(0x10, 11),
    /** Extension (names and IPv6): New Connection to an IPv6 address. */
    NEW_CONNECTION_IPV6(0x15, 23),
    /** Extension (names and IPv6): New Connection to a host name; the size is its header's, before the name. */
    NEW_CONNECTION_NAME(0x16, 8),
    CONNECTED(0x11, 7),
    CONNECT_FAILED(0x12, 7),
    CONNECTION_EOF(0x13, 5),
    CONNECTION_CLOSED(0x14, 5),
    /** Data when its length field is above 0, Keepalive when it is 0; the size is the header's. */
    DATA(0x1f, 9),
    ACK(0x21, 5);

    /** The most payload one Data frame carries. */
    public static final int MAX_DATA_LENGTH = 0xFFFF;
    /** Where Data's length field sits: after code, message id, connection id and window. */
    public static final int DATA_LENGTH_OFFSET = 7;
    /** Where a named New Connection's name length (one byte) sits: after code, message id, connection id and port. */
    public static final int NAME_LENGTH_OFFSET = 7;
    /** The largest whole frame: a Data header and a full payload. */
    public static final int MAX_FRAME_SIZE = 9 + MAX_DATA_LENGTH;

    private static final FrameType[] BY_CODE = new FrameType[256];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final int size;

    FrameType(int code, int size) {
        this.code = code;
        this.size = size;
    }

    /** The code byte. */
    public int code() {
        return code;
    }

    /** The whole frame's size; for {@link #DATA} and {@link #NEW_CONNECTION_NAME}, the size of its header. */
    public int size() {
        return size;
    }

    /** Whether the frame is one of the extension's, which a seed-only peer must never receive. */
    public boolean extension() {
        return this == NEW_CONNECTION_IPV6 || this == NEW_CONNECTION_NAME;
    }

    /** The type with this code byte, or null for a code the protocol does not define. */
    public static FrameType ofCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }

    static long checkU32(long v, String what) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(what + " must be an unsigned 32-bit value, got " + v);
        }
        return v;
    }

    static int checkU16(int v, String what) {
        if (v < 0 || v > 0xFFFF) {
            throw new IllegalArgumentException(what + " must be an unsigned 16-bit value, got " + v);
        }
        return v;
    }
}
