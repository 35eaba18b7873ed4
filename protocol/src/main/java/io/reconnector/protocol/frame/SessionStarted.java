package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Server → client: the session is (re)started. {@code clientCode} echoes the client id;
 * {@code lastAcked} is the last client message the server handled (0xFFFF when none).
 */
public record SessionStarted(long clientCode, int lastAcked) implements Frame {
    public SessionStarted {
        FrameCodes.checkU32(clientCode, "client code");
        FrameCodes.checkU16(lastAcked, "last acked id");
    }

    @Override
    public int code() {
        return FrameCodes.SESSION_STARTED;
    }

    @Override
    public int encodedSize() {
        return 7;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedInt(clientCode).appendUnsignedShort(lastAcked);
    }
}
