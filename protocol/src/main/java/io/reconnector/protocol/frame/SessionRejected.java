package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Server → client: the session cannot be resumed; the server closes the transport. */
public record SessionRejected(long clientCode) implements Frame {
    public SessionRejected {
        FrameType.checkU32(clientCode, "client code");
    }

    @Override
    public FrameType type() {
        return FrameType.SESSION_REJECTED;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedInt(clientCode);
    }
}
