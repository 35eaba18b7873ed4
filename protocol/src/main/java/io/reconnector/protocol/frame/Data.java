package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Either direction: bytes of one connection (1 to 65,535 of them) and the sender's receive
 * window on that connection. The payload buffer is owned by the frame: nobody writes to it
 * after the frame is built.
 */
public record Data(int messageId, int connectionId, int window, Buffer payload) implements SequencedFrame {
    public Data {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
        FrameCodes.checkU16(window, "window");
        if (payload == null || payload.length() == 0) {
            throw new IllegalArgumentException("data payload must not be empty (length 0 is a Keepalive)");
        }
        if (payload.length() > FrameCodes.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("data payload is " + payload.length()
                    + " bytes; a frame carries at most " + FrameCodes.MAX_DATA_LENGTH);
        }
    }

    public int length() {
        return payload.length();
    }

    @Override
    public int code() {
        return FrameCodes.DATA;
    }

    @Override
    public int encodedSize() {
        return FrameCodes.DATA_HEADER_SIZE + payload.length();
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendUnsignedShort(window).appendUnsignedShort(payload.length()).appendBuffer(payload);
    }

    @Override
    public String toString() {
        return "Data[messageId=" + messageId + ", connectionId=" + connectionId + ", window=" + window
                + ", length=" + payload.length() + "]";
    }
}
