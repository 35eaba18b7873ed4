package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/** Client → server: open a TCP connection to an IPv4 address and port (no window field). */
public record NewConnection(int messageId, int connectionId, Ipv4Address address, int port)
        implements SequencedFrame {
    public NewConnection {
        FrameCodes.checkU16(messageId, "message id");
        FrameCodes.checkU16(connectionId, "connection id");
        FrameCodes.checkU16(port, "port");
        if (address == null) {
            throw new IllegalArgumentException("address is required");
        }
    }

    @Override
    public int code() {
        return FrameCodes.NEW_CONNECTION;
    }

    @Override
    public int encodedSize() {
        return 11;
    }

    @Override
    public void writeTo(Buffer out) {
        out.appendUnsignedByte((short) code()).appendUnsignedShort(messageId)
                .appendUnsignedShort(connectionId).appendInt(address.bits()).appendUnsignedShort(port);
    }
}
