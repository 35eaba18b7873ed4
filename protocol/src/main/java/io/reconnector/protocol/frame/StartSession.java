package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Client → server, first frame of a transport: start a fresh session, killing any old one. */
public record StartSession(long clientId) implements Frame {
    public StartSession {
        FrameCodes.checkU32(clientId, "client id");
    }

    @Override
    public int code() {
        return FrameCodes.START_SESSION;
    }

    @Override
    public int encodedSize() {
        return 5;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedInt(clientId);
    }
}
