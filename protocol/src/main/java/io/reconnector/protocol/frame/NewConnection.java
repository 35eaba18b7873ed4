package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Client → server: open a TCP connection (no window field). To an IPv4 address it is the seed's
 * 0x10; to an IPv6 address (0x15) or a host name (0x16) it is the extension's, sent only to a
 * relay that offered it (docs/PROTOCOL.md, "Extensions"). Fields in wire order:
 * <pre>
 * 0x10  message id u16, connection id u16, IPv4 4 bytes, port u16             11 bytes
 * 0x15  message id u16, connection id u16, IPv6 16 bytes, port u16            23 bytes
 * 0x16  message id u16, connection id u16, port u16, length u8, name (ASCII)   8 + length bytes
 * </pre>
 */
public record NewConnection(int messageId, int connectionId, Destination destination, int port)
        implements SequencedFrame {
    public NewConnection {
        FrameType.checkU16(messageId, "message id");
        FrameType.checkU16(connectionId, "connection id");
        FrameType.checkU16(port, "port");
        if (destination == null) {
            throw new IllegalArgumentException("destination is required");
        }
    }

    @Override
    public FrameType type() {
        return destination.newConnectionType();
    }

    @Override
    public int encodedSize() {
        return destination instanceof HostName name ? type().size() + name.name().length() : type().size();
    }

    @Override
    public void writeTo(Buffer out) {
        Frame.header(out, type()).appendUnsignedShort(messageId).appendUnsignedShort(connectionId);
        if (destination instanceof Ipv4Address v4) {
            out.appendInt(v4.bits()).appendUnsignedShort(port);
        } else if (destination instanceof Ipv6Address v6) {
            out.appendLong(v6.high()).appendLong(v6.low()).appendUnsignedShort(port);
        } else {
            byte[] name = ((HostName) destination).bytes(); // the last kind Destination permits
            out.appendUnsignedShort(port).appendUnsignedByte((short) name.length).appendBytes(name);
        }
    }
}
