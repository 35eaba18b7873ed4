package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Cumulative acknowledgement of every peer message up to and including {@code messageId};
 * {@code window} is the acking side's receive window on the connection that message belongs to.
 */
public record Ack(int messageId, int window) implements Frame {
    public Ack {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(window, "window");
    }

    @Override
    public int code() {
        return FrameCodes.ACK;
    }

    @Override
    public int encodedSize() {
        return 5;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId).appendUnsignedShort(window);
    }
}
