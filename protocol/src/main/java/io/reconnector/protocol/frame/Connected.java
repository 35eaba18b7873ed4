package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Server → client: the upstream connection is open. {@code window} is the server's receive
 * window on it, in units of 256 bytes.
 */
public record Connected(int messageId, int connectionId, int window) implements SequencedFrame {
    public Connected {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
        FrameType.checkU16(window, "window");
    }

    @Override
    public FrameType type() {
        return FrameType.CONNECTED;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendUnsignedShort(window);
    }
}
