package io.reconnector.protocol.frame;

/** Code bytes and fixed sizes of PROTOCOL.md §1. */
public final class FrameCodes {
    public static final int START_SESSION = 0x01;
    public static final int RECONNECT_SESSION = 0x02;
    public static final int SESSION_STARTED = 0x03;
    public static final int SESSION_REJECTED = 0x04;
    public static final int NEW_CONNECTION = 0x10;
    public static final int CONNECTED = 0x11;
    public static final int CONNECT_FAILED = 0x12;
    public static final int CONNECTION_EOF = 0x13;
    public static final int CONNECTION_CLOSED = 0x14;
    /** Data when length &gt; 0, Keepalive when length = 0. */
    public static final int DATA = 0x1f;
    public static final int ACK = 0x21;

    /** Size of the Data/Keepalive header: code, message id, connection id, window, length. */
    public static final int DATA_HEADER_SIZE = 9;
    public static final int MAX_DATA_LENGTH = 0xFFFF;

    private FrameCodes() {
    }

    /**
     * The size of a frame with this code, or, for Data, of its header; -1 for a code the
     * protocol does not define.
     */
    public static int fixedSize(int code) {
        switch (code) {
            case START_SESSION:
            case SESSION_REJECTED:
            case CONNECTION_EOF:
            case CONNECTION_CLOSED:
            case ACK:
                return 5;
            case RECONNECT_SESSION:
            case SESSION_STARTED:
            case CONNECTED:
            case CONNECT_FAILED:
                return 7;
            case NEW_CONNECTION:
                return 11;
            case DATA:
                return DATA_HEADER_SIZE;
            default:
                return -1;
        }
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
