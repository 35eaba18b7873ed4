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
