package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Server → client: the session cannot be resumed; the server closes the transport. */
public record SessionRejected(long clientCode) implements Frame {
    public SessionRejected {
        FrameCodes.checkU32(clientCode, "client code");
    }

    @Override
    public int code() {
        return FrameCodes.SESSION_REJECTED;
    }

    @Override
    public int encodedSize() {
        return 5;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedInt(clientCode);
    }
}
