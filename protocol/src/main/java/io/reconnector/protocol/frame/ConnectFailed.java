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
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
        FrameCodes.checkU16(errno, "errno");
    }

    @Override
    public int code() {
        return FrameCodes.CONNECT_FAILED;
    }

    @Override
    public int encodedSize() {
        return 7;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId)
                .appendUnsignedShort(connectionId).appendUnsignedShort(errno);
    }
}
