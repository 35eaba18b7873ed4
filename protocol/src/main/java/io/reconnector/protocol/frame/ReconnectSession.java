package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Client → server, first frame of a transport: resume a session. {@code lastAcked} is the id
 * of the last server message the client handled ({@code Serial16.NONE} when none).
 */
public record ReconnectSession(long clientId, int lastAcked) implements Frame {
    public ReconnectSession {
        FrameType.checkU32(clientId, "client id");
        FrameType.checkU16(lastAcked, "last acked id");
    }

    @Override
    public FrameType type() {
        return FrameType.RECONNECT_SESSION;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedInt(clientId).appendUnsignedShort(lastAcked);
    }
}
