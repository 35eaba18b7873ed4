package io.reconnector.agent;

import io.vertx.core.buffer.Buffer;

/**
 * The server side of a SOCKS5 greeting and CONNECT request (RFC 1928, no-auth only), as a pure
 * parser: feed it the client's bytes as they come; it says what to answer and, once the
 * request is whole, what to connect to. No sockets here.
 */
public final class Socks5Handshake {
    public static final int SUCCEEDED = 0x00;
    public static final int GENERAL_FAILURE = 0x01;
    public static final int NOT_ALLOWED = 0x02;
    public static final int NETWORK_UNREACHABLE = 0x03;
    public static final int HOST_UNREACHABLE = 0x04;
    public static final int CONNECTION_REFUSED = 0x05;
    public static final int TTL_EXPIRED = 0x06;
    public static final int COMMAND_NOT_SUPPORTED = 0x07;
    public static final int ADDRESS_TYPE_NOT_SUPPORTED = 0x08;

    /** What to connect to: an IPv4 literal or a domain name the agent resolves. */
    public record Target(String host, boolean domain, int port) {
    }

    /**
     * One step's result.
     *
     * @param reply    bytes to send to the client now, or null
     * @param close    close the client after sending the reply (the handshake failed)
     * @param target   set once the CONNECT request is complete
     * @param leftover bytes the client sent after its request (its first payload)
     */
    public record Step(Buffer reply, boolean close, Target target, Buffer leftover) {
        static final Step MORE = new Step(null, false, null, null);
    }

    private enum State { GREETING, REQUEST, DONE }

    private State state = State.GREETING;
    private Buffer pending = Buffer.buffer();

    public Step feed(Buffer chunk) {
        if (state == State.DONE) {
            throw new IllegalStateException("the handshake is over");
        }
        pending.appendBuffer(chunk);
        if (state == State.GREETING) {
            if (pending.length() < 2) {
                return Step.MORE;
            }
            if (pending.getUnsignedByte(0) != 5) {
                state = State.DONE;
                return new Step(null, true, null, null); // not SOCKS5: nothing sensible to answer
            }
            int methods = pending.getUnsignedByte(1);
            if (pending.length() < 2 + methods) {
                return Step.MORE;
            }
            boolean noAuth = false;
            for (int i = 0; i < methods; i++) {
                noAuth |= pending.getUnsignedByte(2 + i) == 0x00;
            }
            if (!noAuth) {
                state = State.DONE;
                return new Step(Buffer.buffer(new byte[] {5, (byte) 0xFF}), true, null, null);
            }
            Buffer rest = pending.getBuffer(2 + methods, pending.length());
            pending = Buffer.buffer();
            state = State.REQUEST;
            Step request = rest.length() > 0 ? feed(rest) : Step.MORE;
            Buffer accept = Buffer.buffer(new byte[] {5, 0});
            if (request.reply() != null) {
                accept.appendBuffer(request.reply());
            }
            return new Step(accept, request.close(), request.target(), request.leftover());
        }
        return parseRequest();
    }

    private Step parseRequest() {
        if (pending.length() < 5) {
            return Step.MORE;
        }
        if (pending.getUnsignedByte(0) != 5) {
            state = State.DONE;
            return fail(GENERAL_FAILURE);
        }
        int cmd = pending.getUnsignedByte(1);
        int atyp = pending.getUnsignedByte(3);
        int addrLen;
        switch (atyp) {
            case 1 -> addrLen = 4;
            case 3 -> addrLen = 1 + pending.getUnsignedByte(4);
            case 4 -> addrLen = 16;
            default -> {
                state = State.DONE;
                return fail(ADDRESS_TYPE_NOT_SUPPORTED);
            }
        }
        int size = 4 + addrLen + 2;
        if (pending.length() < size) {
            return Step.MORE;
        }
        state = State.DONE;
        if (cmd != 1) {
            return fail(COMMAND_NOT_SUPPORTED); // BIND and UDP ASSOCIATE are not offered
        }
        if (atyp == 4) {
            return fail(ADDRESS_TYPE_NOT_SUPPORTED); // the protocol carries IPv4 only
        }
        int port = pending.getUnsignedShort(size - 2);
        Target target;
        if (atyp == 1) {
            target = new Target((pending.getUnsignedByte(4)) + "." + pending.getUnsignedByte(5) + "."
                    + pending.getUnsignedByte(6) + "." + pending.getUnsignedByte(7), false, port);
        } else {
            target = new Target(pending.getString(5, 5 + addrLen - 1, "ISO-8859-1"), true, port);
        }
        Buffer leftover = pending.getBuffer(size, pending.length());
        pending = null;
        return new Step(null, false, target, leftover.length() > 0 ? leftover : null);
    }

    private static Step fail(int code) {
        return new Step(reply(code), true, null, null);
    }

    /** A reply with the given code and an unspecified bound address (0.0.0.0:0). */
    public static Buffer reply(int code) {
        return Buffer.buffer(new byte[] {5, (byte) code, 0, 1, 0, 0, 0, 0, 0, 0});
    }

    /** The reply code for a Connect Failed errno. */
    public static int replyForErrno(int errno) {
        return switch (errno) {
            case 111 -> CONNECTION_REFUSED;
            case 13 -> NOT_ALLOWED;
            case 101 -> NETWORK_UNREACHABLE;
            case 113, 110 -> HOST_UNREACHABLE;
            default -> GENERAL_FAILURE;
        };
    }
}
