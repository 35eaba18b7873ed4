package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Either direction: the connection is gone both ways; the receiver closes its socket. */
public record ConnectionClosed(int messageId, int connectionId) implements SequencedFrame {
    public ConnectionClosed {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
    }

    @Override
    public int code() {
        return FrameCodes.CONNECTION_CLOSED;
    }

    @Override
    public int encodedSize() {
        return 5;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId);
    }
}
