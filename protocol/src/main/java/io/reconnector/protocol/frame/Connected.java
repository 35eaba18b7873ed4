package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Server → client: the upstream connection is open. {@code window} is the server's receive
 * window on it, in units of 256 bytes.
 */
public record Connected(int messageId, int connectionId, int window) implements SequencedFrame {
    public Connected {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
        FrameCodes.checkU16(window, "window");
    }

    @Override
    public int code() {
        return FrameCodes.CONNECTED;
    }

    @Override
    public int encodedSize() {
        return 7;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId)
                .appendUnsignedShort(connectionId).appendUnsignedShort(window);
    }
}
