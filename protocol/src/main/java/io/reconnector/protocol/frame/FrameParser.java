package io.reconnector.protocol.frame;

import io.vertx.core.buffer.Buffer;

/**
 * Reads the fields of one complete frame, in wire order, with a cursor: each field's offset
 * follows from the ones before it, so no offset is written down twice.
 */
final class FrameParser {
    private final Buffer in;
    private int pos;

    private FrameParser(Buffer in, int pos) {
        this.in = in;
        this.pos = pos;
    }

    private int u16() {
        int v = in.getUnsignedShort(pos);
        pos += 2;
        return v;
    }

    private long u32() {
        long v = in.getUnsignedInt(pos);
        pos += 4;
        return v;
    }

    private Ipv4Address ipv4() {
        Ipv4Address a = new Ipv4Address(in.getInt(pos));
        pos += 4;
        return a;
    }

    private Ipv6Address ipv6() {
        Ipv6Address a = new Ipv6Address(in.getLong(pos), in.getLong(pos + 8));
        pos += 16;
        return a;
    }

    /** A name that is not one throws IllegalArgumentException, which the decoder reports as MALFORMED. */
    private NewConnection newConnectionToName() {
        int messageId = u16();
        int connectionId = u16();
        int port = u16();
        int length = in.getUnsignedByte(pos);
        HostName name = HostName.ofBytes(in.getBytes(pos + 1, pos + 1 + length));
        pos += 1 + length;
        return new NewConnection(messageId, connectionId, name, port);
    }

    /**
     * The frame of {@code size} bytes at {@code start}; its code is one {@link FrameType} defines.
     * A Data payload is a view of {@code in}, not a copy: valid for as long as {@code in} is.
     */
    static Frame parse(Buffer in, int start, int size) {
        FrameType type = FrameType.ofCode(in.getUnsignedByte(start));
        FrameParser p = new FrameParser(in, start + 1);
        return switch (type) {
            case START_SESSION -> new StartSession(p.u32());
            case RECONNECT_SESSION -> new ReconnectSession(p.u32(), p.u16());
            case SESSION_STARTED -> new SessionStarted(p.u32(), p.u16());
            case SESSION_REJECTED -> new SessionRejected(p.u32());
            case NEW_CONNECTION -> new NewConnection(p.u16(), p.u16(), p.ipv4(), p.u16());
            case NEW_CONNECTION_IPV6 -> new NewConnection(p.u16(), p.u16(), p.ipv6(), p.u16());
            case NEW_CONNECTION_NAME -> p.newConnectionToName();
            case CONNECTED -> new Connected(p.u16(), p.u16(), p.u16());
            case CONNECT_FAILED -> new ConnectFailed(p.u16(), p.u16(), p.u16());
            case CONNECTION_EOF -> new ConnectionEof(p.u16(), p.u16());
            case CONNECTION_CLOSED -> new ConnectionClosed(p.u16(), p.u16());
            case ACK -> new Ack(p.u16(), p.u16());
            case DATA -> p.dataOrKeepalive();
        };
    }

    private Frame dataOrKeepalive() {
        int messageId = u16();
        int connectionId = u16();
        int window = u16();
        int length = u16();
        if (length == 0) {
            return new Keepalive(messageId, connectionId, window);
        }
        return new Data(messageId, connectionId, window, in.slice(pos, pos + length));
    }
}
