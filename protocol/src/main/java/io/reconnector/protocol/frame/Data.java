package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Either direction: bytes of one connection (1 to 65,535 of them) and the sender's receive
 * window on that connection. The payload buffer is owned by the frame: nobody writes to it
 * after the frame is built.
 */
public record Data(int messageId, int connectionId, int window, Buffer payload) implements SequencedFrame {
    public Data {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
        FrameType.checkU16(window, "window");
        if (payload == null || payload.length() == 0) {
            throw new IllegalArgumentException("data payload must not be empty (length 0 is a Keepalive)");
        }
        if (payload.length() > FrameType.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException("data payload is " + payload.length()
                    + " bytes; a frame carries at most " + FrameType.MAX_DATA_LENGTH);
        }
    }

    public int length() {
        return payload.length();
    }

    @Override
    public FrameType type() {
        return FrameType.DATA;
    }

    @Override
    public int encodedSize() {
        return FrameType.DATA.size() + payload.length();
    }

    @Override
    public void writeTo(Buffer out) {
        writeHeaderTo(out);
        out.appendBuffer(payload);
    }

    /** The frame up to its payload: for writers that send the payload as it is, without copying it. */
    public void writeHeaderTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendUnsignedShort(window).appendUnsignedShort(payload.length());
    }

    @Override
    public String toString() {
        return "Data[messageId=" + messageId + ", connectionId=" + connectionId + ", window=" + window
                + ", length=" + payload.length() + "]";
    }
}
