package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Cumulative acknowledgement of every peer message up to and including {@code messageId};
 * {@code window} is the acking side's receive window on the connection that message belongs to.
 */
public record Ack(int messageId, int window) implements Frame {
    public Ack {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(window, "window");
    }

    @Override
    public FrameType type() {
        return FrameType.ACK;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(window);
    }
}
