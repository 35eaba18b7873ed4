package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Either direction: the sender sends no more data on this connection (shutdown(SHUT_WR)). */
public record ConnectionEof(int messageId, int connectionId) implements SequencedFrame {
    public ConnectionEof {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
    }

    @Override
    public int code() {
        return FrameCodes.CONNECTION_EOF;
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
