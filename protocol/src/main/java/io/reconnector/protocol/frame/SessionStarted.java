package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Server → client: the session is (re)started. {@code clientCode} echoes the client id;
 * {@code lastAcked} is the last client message the server handled ({@code Serial16.NONE} when none).
 */
public record SessionStarted(long clientCode, int lastAcked) implements Frame {
    public SessionStarted {
        FrameType.checkU32(clientCode, "client code");
        FrameType.checkU16(lastAcked, "last acked id");
    }

    @Override
    public FrameType type() {
        return FrameType.SESSION_STARTED;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedInt(clientCode).appendUnsignedShort(lastAcked);
    }
}
