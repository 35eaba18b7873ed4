package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Either direction: the sender sends no more data on this connection (shutdown(SHUT_WR)). */
public record ConnectionEof(int messageId, int connectionId) implements SequencedFrame {
    public ConnectionEof {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
    }

    @Override
    public FrameType type() {
        return FrameType.CONNECTION_EOF;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId);
    }
}
