package io.reconnector.protocol.frame;

import io.reconnector.protocol.Payloads;
import io.vertx.core.buffer.Buffer;

/**
 * Either direction: bytes of one connection (1 to 65,535 of them) and the sender's receive
 * window on that connection. Nobody writes to the payload buffer after the frame is built; a
 * decoded frame's payload is a view of the read it came in, lent for the decoder's call
 * ({@link #kept}).
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

    /** A copy of the payload on the heap, owing nothing to the read it came in. */
    @Override
    public Data kept() {
        return new Data(messageId, connectionId, window, Payloads.heapCopy(payload));
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
