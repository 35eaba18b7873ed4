package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Client → server, first frame of a transport: resume a session. {@code lastAcked} is the id
 * of the last server message the client handled (0xFFFF when none).
 */
public record ReconnectSession(long clientId, int lastAcked) implements Frame {
    public ReconnectSession {
        FrameCodes.checkU32(clientId, "client id");
        FrameCodes.checkU16(lastAcked, "last acked id");
    }

    @Override
    public int code() {
        return FrameCodes.RECONNECT_SESSION;
    }

    @Override
    public int encodedSize() {
        return 7;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedInt(clientId).appendUnsignedShort(lastAcked);
    }
}
