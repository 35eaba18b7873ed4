package io.reconnector.agent;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.Ipv4Address;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SOCKS negotiation with Netty's real codecs in a channel, bytes in and bytes out, the way
 * the agent's socket pipeline runs it: requests fed whole, byte by byte, and pipelined.
 */
class SocksNegotiationTest {
    private static final HexFormat HEX = HexFormat.of();

    /** A channel with the SOCKS codec and, behind it, the negotiation (as Vert.x's handler would call it). */
    private static final class Client {
        final HandshakeChannel<SocksNegotiation> channel = new HandshakeChannel<>(SocksNegotiation.CODEC,
                SocksNegotiation.codec(), ch -> new SocksNegotiation(ch.pipeline(), ch::writeOutbound));
        final EmbeddedChannel ch = channel.ch;
        final SocksNegotiation socks = channel.handshake;
        final List<ProxyHandshake.Next> steps = channel.steps;
        final ByteArrayOutputStream passedOn = channel.passedOn;

        void send(String hex) {
            ch.writeInbound(Unpooled.wrappedBuffer(HEX.parseHex(hex)));
        }

        void sendByteByByte(String hex) {
            for (byte b : HEX.parseHex(hex)) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        }

        String answered() {
            StringBuilder out = new StringBuilder();
            ByteBuf b;
            while ((b = ch.readOutbound()) != null) {
                out.append(io.netty.buffer.ByteBufUtil.hexDump(b));
                b.release();
            }
            return out.toString();
        }

        ProxyHandshake.Next last() {
            return channel.last();
        }
    }

    private static final String GREETING = "050100";
    private static final String CONNECT_IPV4 = "05010001" + "7f000001" + "1f90"; // 127.0.0.1:8080
    private static final String SUCCESS_V5 = "05000001" + "00000000" + "0000";

    @Test
    void socks5ConnectToAnIpv4AddressFedByteByByte() {
        Client c = new Client();
        c.sendByteByByte(GREETING);
        assertEquals("0500", c.answered(), "no authentication chosen");
        c.sendByteByByte(CONNECT_IPV4);
        ProxyHandshake.Next.Connect connect = assertInstanceOf(ProxyHandshake.Next.Connect.class, c.last());
        assertEquals(new ProxyHandshake.Target(Ipv4Address.parse("127.0.0.1"), 8080), connect.target());
        c.socks.answer(0);
        assertEquals(SUCCESS_V5, c.answered());
        c.send(HEX.formatHex("after".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("after", c.passedOn.toString(StandardCharsets.US_ASCII), "the codecs stepped aside");
    }

    @Test
    void aClientThatSendsEverythingAtOnceLosesNoByte() {
        Client c = new Client();
        String payload = HEX.formatHex("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        c.send(GREETING + CONNECT_IPV4 + payload);
        assertInstanceOf(ProxyHandshake.Next.Connect.class, c.last());
        assertEquals("GET / HTTP/1.0\r\n\r\n", c.passedOn.toString(StandardCharsets.US_ASCII),
                "what followed the request is passed on, in order");
    }

    @Test
    void socks5ConnectToADomainName() {
        Client c = new Client();
        c.send(GREETING);
        c.send("05010003" + "0b" + HEX.formatHex("example.com".getBytes(StandardCharsets.US_ASCII)) + "0050");
        ProxyHandshake.Next.Connect connect = assertInstanceOf(ProxyHandshake.Next.Connect.class, c.last());
        assertEquals(new ProxyHandshake.Target(new HostName("example.com"), 80), connect.target());
    }

    @Test
    void refusalsCarryTheReplyForTheRelaysErrno() {
        Client c = new Client();
        c.send(GREETING + CONNECT_IPV4);
        c.answered();
        c.socks.answer(111); // ECONNREFUSED
        assertEquals("05050001000000000000", c.answered(), "reply 5: connection refused");
        assertEquals(io.netty.handler.codec.socksx.v5.Socks5CommandStatus.FORBIDDEN, SocksNegotiation.statusFor(13), "EACCES: not allowed by the ruleset");
    }

    @Test
    void aClientWithoutTheNoAuthenticationMethodIsTurnedAway() {
        Client c = new Client();
        c.send("050102"); // offers username/password only
        assertEquals("05ff", c.answered());
        assertInstanceOf(ProxyHandshake.Next.Close.class, c.last());
    }

    @Test
    void bindIsRefusedAndIpv6IsAskedForAndRefusedWithReply8WhenTheRelayCannot() {
        Client bind = new Client();
        bind.send(GREETING + "05020001" + "7f000001" + "1f90");
        assertEquals("0500" + "05070001000000000000", bind.answered(), "reply 7: command not supported");
        assertInstanceOf(ProxyHandshake.Next.Close.class, bind.last());

        Client v6 = new Client();
        v6.send(GREETING + "05010004" + "00000000000000000000000000000001" + "0050");
        ProxyHandshake.Next.Connect connect = assertInstanceOf(ProxyHandshake.Next.Connect.class, v6.last());
        assertEquals(new ProxyHandshake.Target(io.reconnector.protocol.frame.Ipv6Address.parse("::1"), 80), connect.target());
        v6.answered();
        v6.socks.answer(ProxyHandshake.EAFNOSUPPORT); // a seed-only relay carries IPv4 only
        assertEquals("05080001000000000000", v6.answered(), "reply 8: address type not supported");
    }

    @Test
    void socks4AndSocks4a() {
        Client v4 = new Client();
        v4.send("0401" + "0050" + "7f000001" + "00"); // CONNECT 127.0.0.1:80, empty user id
        ProxyHandshake.Next.Connect c4 = assertInstanceOf(ProxyHandshake.Next.Connect.class, v4.last());
        assertEquals(new ProxyHandshake.Target(Ipv4Address.parse("127.0.0.1"), 80), c4.target());
        v4.socks.answer(0);
        assertEquals("005a000000000000", v4.answered(), "granted");

        Client v4a = new Client();
        v4a.send("0401" + "0050" + "00000001" + "00" + HEX.formatHex("db.internal".getBytes(StandardCharsets.US_ASCII)) + "00");
        ProxyHandshake.Next.Connect c4a = assertInstanceOf(ProxyHandshake.Next.Connect.class, v4a.last());
        assertEquals(new ProxyHandshake.Target(new HostName("db.internal"), 80), c4a.target());
        v4a.socks.answer(111);
        assertEquals("005b000000000000", v4a.answered(), "rejected or failed");
    }

    @Test
    void somethingThatIsNotSocksIsClosedWithoutAnAnswer() {
        Client c = new Client();
        c.send(HEX.formatHex("GET / HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertFalse(c.ch.isOpen(), "closed");
        assertEquals("", c.answered());
        assertTrue(c.steps.isEmpty());
    }
}
