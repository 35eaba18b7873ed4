package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Client → server, first frame of a transport: start a fresh session, killing any old one. */
public record StartSession(long clientId) implements Frame {
    public StartSession {
        FrameType.checkU32(clientId, "client id");
    }

    @Override
    public FrameType type() {
        return FrameType.START_SESSION;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedInt(clientId);
    }
}
