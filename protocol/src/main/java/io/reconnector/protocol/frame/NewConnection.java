package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Client → server: open a TCP connection to an IPv4 address and port (no window field). */
public record NewConnection(int messageId, int connectionId, Ipv4Address address, int port)
        implements SequencedFrame {
    public NewConnection {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
        FrameType.checkU16(port, "port");
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
    }

    @Override
    public FrameType type() {
        return FrameType.NEW_CONNECTION;
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId)
                .appendInt(address.bits()).appendUnsignedShort(port);
    }
}
