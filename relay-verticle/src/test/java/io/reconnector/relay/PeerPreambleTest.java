package io.reconnector.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyMessageEncoder;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hop header through Netty's own PROXY protocol encoder and decoder, as on the wire. */
class PeerPreambleTest {
    private static final byte[] SECRET = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);
    private static final PeerPreamble.Peer PEER = new PeerPreamble.Peer("127.0.0.1", 40000, "127.0.0.2", 7000, "alice");
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};

    private static byte[] wire(HAProxyMessage header) {
        EmbeddedChannel out = new EmbeddedChannel(HAProxyMessageEncoder.INSTANCE);
        out.writeOutbound(header);
        ByteBuf b = out.readOutbound();
        byte[] bytes = new byte[b.readableBytes()];
        b.readBytes(bytes);
        b.release();
        return bytes;
    }

    /** Feeds {@code bytes} one at a time, as a slow peer would, and returns the decoded header. */
    private static HAProxyMessage decodeByteByByte(byte[] bytes, EmbeddedChannel in) {
        for (int i = 0; i < bytes.length; i++) {
            in.writeInbound(Unpooled.wrappedBuffer(bytes, i, 1));
            if (i < bytes.length - 1) {
                assertNull(in.readInbound(), "nothing decoded before the last byte (" + i + ")");
            }
        }
        return in.readInbound();
    }

    @Test
    void startsWithTheProxyV2SignatureAndCommand() {
        byte[] bytes = wire(PeerPreamble.encode(SECRET, PEER, 1000));
        byte[] signature = new byte[12];
        System.arraycopy(bytes, 0, signature, 0, 12);
        assertArrayEquals(V2_SIGNATURE, signature);
        assertEquals(0x21, bytes[12] & 0xff, "version 2, PROXY command");
        assertEquals(0x11, bytes[13] & 0xff, "TCP over IPv4");
    }

    @Test
    void roundTripsByteByByteWithTheClientAddressAndPassesTheRestOn() throws Exception {
        byte[] header = wire(PeerPreamble.encode(SECRET, PEER, 1000));
        EmbeddedChannel in = new EmbeddedChannel(new HAProxyMessageDecoder());
        HAProxyMessage decoded = decodeByteByByte(header, in);
        assertEquals(PEER, PeerPreamble.verify(decoded, SECRET, 1500, new ReplayGuard()));
        in.writeInbound(Unpooled.copiedBuffer("client bytes", StandardCharsets.US_ASCII));
        ByteBuf rest = in.readInbound();
        assertEquals("client bytes", rest.toString(StandardCharsets.US_ASCII), "the decoder stepped aside");
        rest.release();
    }

    @Test
    void refusesTheWrongSecret() {
        HAProxyMessage decoded = decodeByteByByte(wire(PeerPreamble.encode(SECRET, PEER, 1000)),
                new EmbeddedChannel(new HAProxyMessageDecoder()));
        PeerPreamble.Refused e = assertThrows(PeerPreamble.Refused.class,
                () -> PeerPreamble.verify(decoded, "wrong".getBytes(StandardCharsets.UTF_8), 1000, new ReplayGuard()));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    @Test
    void refusesAStaleProof() {
        HAProxyMessage decoded = decodeByteByByte(wire(PeerPreamble.encode(SECRET, PEER, 1000)),
                new EmbeddedChannel(new HAProxyMessageDecoder()));
        PeerPreamble.Refused e = assertThrows(PeerPreamble.Refused.class,
                () -> PeerPreamble.verify(decoded, SECRET, 1000 + ReplayGuard.WINDOW_MILLIS + 1, new ReplayGuard()));
        assertTrue(e.getMessage().contains("stale"), e.getMessage());
    }

    @Test
    void refusesTheSameHeaderTheSecondTime() throws Exception {
        byte[] header = wire(PeerPreamble.encode(SECRET, PEER, 1000));
        ReplayGuard replays = new ReplayGuard();
        assertEquals(PEER, PeerPreamble.verify(decodeByteByByte(header, new EmbeddedChannel(new HAProxyMessageDecoder())),
                SECRET, 1000, replays));
        HAProxyMessage again = decodeByteByByte(header, new EmbeddedChannel(new HAProxyMessageDecoder()));
        PeerPreamble.Refused e = assertThrows(PeerPreamble.Refused.class, () -> PeerPreamble.verify(again, SECRET, 2000, replays));
        assertTrue(e.getMessage().contains("replay"), e.getMessage());
    }

    @Test
    void refusesAHeaderWhoseIdentityWasChangedOnTheWay() {
        byte[] bytes = wire(PeerPreamble.encode(SECRET, PEER, 1000));
        String wire = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = wire.indexOf("alice");
        bytes[at] = 'm'; // "mlice": another identity, same length
        HAProxyMessage decoded = decodeByteByByte(bytes, new EmbeddedChannel(new HAProxyMessageDecoder()));
        assertThrows(PeerPreamble.Refused.class, () -> PeerPreamble.verify(decoded, SECRET, 1000, new ReplayGuard()));
    }

    @Test
    void refusesAHeaderWhoseAddressWasChangedOnTheWay() {
        byte[] bytes = wire(PeerPreamble.encode(SECRET, PEER, 1000));
        bytes[16 + 3] ^= 1; // the last octet of the source address: 127.0.0.0 instead of .1
        HAProxyMessage decoded = decodeByteByByte(bytes, new EmbeddedChannel(new HAProxyMessageDecoder()));
        assertEquals("127.0.0.0", decoded.sourceAddress());
        assertThrows(PeerPreamble.Refused.class, () -> PeerPreamble.verify(decoded, SECRET, 1000, new ReplayGuard()));
    }

    @Test
    void refusesAPlainProxyHeaderWithoutTheProof() {
        HAProxyMessage plain = new HAProxyMessage(io.netty.handler.codec.haproxy.HAProxyProtocolVersion.V2,
                io.netty.handler.codec.haproxy.HAProxyCommand.PROXY,
                io.netty.handler.codec.haproxy.HAProxyProxiedProtocol.TCP4, "127.0.0.1", "127.0.0.2", 1, 2);
        HAProxyMessage decoded = decodeByteByByte(wire(plain), new EmbeddedChannel(new HAProxyMessageDecoder()));
        PeerPreamble.Refused e = assertThrows(PeerPreamble.Refused.class, () -> PeerPreamble.verify(decoded, SECRET, 0, new ReplayGuard()));
        assertTrue(e.getMessage().contains("no cluster secret proof"), e.getMessage());
    }
}
