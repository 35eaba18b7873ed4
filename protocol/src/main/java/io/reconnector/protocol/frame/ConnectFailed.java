package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Server → client: the upstream connection could not be opened; {@code errno} is Linux's. */
public record ConnectFailed(int messageId, int connectionId, int errno) implements SequencedFrame {
    public static final int EACCES = 13;
    public static final int EMFILE = 24;
    public static final int ENETUNREACH = 101;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTUNREACH = 113;
    /**
     * Extension (names): the relay found no address for the name. Linux has no errno for it; this
     * is getaddrinfo's EAI_NONAME (-2) as 0x1000 + 2. Sent only to a client that sent a name, so
     * only to one that speaks the extension.
     */
    public static final int NO_SUCH_HOST = 0x1002;
    /** Extension (names): the relay's resolver failed for now (EAI_AGAIN, -3): 0x1000 + 3. */
    public static final int NAME_LOOKUP_FAILED = 0x1003;

    public ConnectFailed {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
        FrameType.checkU16(errno, "errno");
    }

    @Override
    public FrameType type() {
        return FrameType.CONNECT_FAILED;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendUnsignedShort(errno);
    }
}
