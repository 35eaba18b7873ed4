package io.reconnector.agent;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Socks5HandshakeTest {
    private static final byte[] GREETING = {5, 1, 0};
    private static final byte[] CONNECT_IPV4 = {5, 1, 0, 1, 127, 0, 0, 1, 0x1f, (byte) 0x90};

    private static byte[] concat(byte[]... parts) {
        Buffer b = Buffer.buffer();
        for (byte[] p : parts) {
            b.appendBytes(p);
        }
        return b.getBytes();
    }

    @Test
    void ipv4ConnectFedByteByByte() {
        Socks5Handshake h = new Socks5Handshake();
        byte[] all = concat(GREETING, CONNECT_IPV4);
        Buffer replies = Buffer.buffer();
        Socks5Handshake.Step last = null;
        for (int i = 0; i < all.length; i++) {
            last = h.feed(Buffer.buffer(new byte[] {all[i]}));
            if (last.reply() != null) {
                replies.appendBuffer(last.reply());
            }
            if (i < all.length - 1) {
                assertNull(last.target(), "no target before the request is whole (byte " + i + ")");
                assertFalse(last.close());
            }
        }
        assertEquals(Buffer.buffer(new byte[] {5, 0}), replies, "no-auth accepted, nothing else said yet");
        assertEquals(new Socks5Handshake.Target("127.0.0.1", false, 8080), last.target());
    }

    @Test
    void domainNameAndEarlyPayloadInOneChunk() {
        byte[] host = "localhost".getBytes();
        byte[] request = concat(new byte[] {5, 1, 0, 3, (byte) host.length}, host, new byte[] {0, 80});
        Socks5Handshake.Step s = new Socks5Handshake().feed(Buffer.buffer(concat(GREETING, request, "GET /".getBytes())));
        assertEquals(Buffer.buffer(new byte[] {5, 0}), s.reply());
        assertEquals(new Socks5Handshake.Target("localhost", true, 80), s.target());
        assertEquals(Buffer.buffer("GET /"), s.leftover());
    }

    @Test
    void ipv6IsAnsweredAddressTypeNotSupported() {
        Socks5Handshake h = new Socks5Handshake();
        h.feed(Buffer.buffer(GREETING));
        byte[] v6 = new byte[4 + 16 + 2];
        v6[0] = 5;
        v6[1] = 1;
        v6[3] = 4;
        Socks5Handshake.Step s = h.feed(Buffer.buffer(v6));
        assertTrue(s.close());
        assertEquals(8, s.reply().getByte(1));
    }

    @Test
    void bindAndUdpAreAnsweredCommandNotSupported() {
        for (byte cmd : new byte[] {2, 3}) {
            Socks5Handshake h = new Socks5Handshake();
            h.feed(Buffer.buffer(GREETING));
            Socks5Handshake.Step s = h.feed(Buffer.buffer(new byte[] {5, cmd, 0, 1, 1, 2, 3, 4, 0, 80}));
            assertTrue(s.close());
            assertEquals(7, s.reply().getByte(1));
        }
    }

    @Test
    void clientsWithoutNoAuthAreTurnedAway() {
        Socks5Handshake.Step s = new Socks5Handshake().feed(Buffer.buffer(new byte[] {5, 1, 2}));
        assertTrue(s.close());
        assertEquals(Buffer.buffer(new byte[] {5, (byte) 0xFF}), s.reply());
    }

    @Test
    void notSocks5IsClosedWithoutAnswer() {
        Socks5Handshake.Step s = new Socks5Handshake().feed(Buffer.buffer(new byte[] {4, 1, 0, 80}));
        assertTrue(s.close());
        assertNull(s.reply());
    }

    @Test
    void truncatedRequestsWait() {
        byte[] all = concat(GREETING, CONNECT_IPV4);
        for (int cut = 0; cut < all.length; cut++) {
            Socks5Handshake.Step s = new Socks5Handshake().feed(Buffer.buffer(java.util.Arrays.copyOf(all, cut)));
            assertNull(s.target());
            assertFalse(s.close());
        }
    }

    @Test
    void errnosMapToReplyCodes() {
        assertEquals(Socks5Handshake.CONNECTION_REFUSED, Socks5Handshake.replyForErrno(111));
        assertEquals(Socks5Handshake.NOT_ALLOWED, Socks5Handshake.replyForErrno(13));
        assertEquals(Socks5Handshake.NETWORK_UNREACHABLE, Socks5Handshake.replyForErrno(101));
        assertEquals(Socks5Handshake.HOST_UNREACHABLE, Socks5Handshake.replyForErrno(113));
        assertEquals(Socks5Handshake.GENERAL_FAILURE, Socks5Handshake.replyForErrno(24));
    }
}
