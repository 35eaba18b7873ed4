package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * A Data frame of length 0: not sequenced, acked or retransmitted. {@code messageId} is the
 * sender's latest assigned id (informational); {@code window} is the sender's receive window
 * on {@code connectionId}, ignored when no connection is open (connection id 0).
 */
public record Keepalive(int messageId, int connectionId, int window) implements Frame {
    public Keepalive {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
        FrameCodes.checkU16(window, "window");
    }

    @Override
    public int code() {
        return FrameCodes.DATA;
    }

    @Override
    public int encodedSize() {
        return FrameCodes.DATA_HEADER_SIZE;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendUnsignedShort(window).appendUnsignedShort(0);
    }
}
