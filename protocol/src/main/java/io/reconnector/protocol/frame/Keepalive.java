package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * A Data frame of length 0: not sequenced, acked or retransmitted. {@code messageId} is the
 * sender's latest assigned id (informational); {@code window} is the sender's receive window
 * on {@code connectionId}, ignored when no connection is open (connection id 0).
 */
public record Keepalive(int messageId, int connectionId, int window) implements Frame {
    /** The connection id a Keepalive carries when no connection is open. */
    public static final int NO_CONNECTION = 0;

    public Keepalive {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
        FrameType.checkU16(window, "window");
    }

    @Override
    public FrameType type() {
        return FrameType.DATA;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendUnsignedShort(window).appendUnsignedShort(0);
    }
}
