package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Either direction: the connection is gone both ways; the receiver closes its socket. */
public record ConnectionClosed(int messageId, int connectionId) implements SequencedFrame {
    public ConnectionClosed {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
    }

    @Override
    public FrameType type() {
        return FrameType.CONNECTION_CLOSED;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId);
    }
}
