package io.reconnector.agent;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.HostName;
import io.reconnector.protocol.frame.Ipv6Address;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** HTTP CONNECT as browsers and curl send it, through Netty's real request decoder, fed in pieces. */
class HttpConnectNegotiationTest {
    private static final class Client {
        final StringBuilder answered = new StringBuilder();
        final HandshakeChannel<HttpConnectNegotiation> channel = new HandshakeChannel<>(HttpConnectNegotiation.CODEC,
                HttpConnectNegotiation.codec(), ch -> new HttpConnectNegotiation(
                b -> answered.append(b.toString(StandardCharsets.ISO_8859_1)),
                () -> ch.pipeline().remove(HttpConnectNegotiation.CODEC)));
        final EmbeddedChannel ch = channel.ch;
        final HttpConnectNegotiation http = channel.handshake;
        final List<ProxyHandshake.Next> steps = channel.steps;
        final ByteArrayOutputStream passedOn = channel.passedOn;

        void send(String text) {
            ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        }

        ProxyHandshake.Next.Connect connect() {
            return (ProxyHandshake.Next.Connect) steps.stream().filter(s -> s instanceof ProxyHandshake.Next.Connect)
                    .findFirst().orElseThrow(() -> new AssertionError("no CONNECT in " + steps));
        }
    }

    private static final String REQUEST = "CONNECT db.internal:5432 HTTP/1.1\r\nHost: db.internal:5432\r\n"
            + "User-Agent: curl/7.88.1\r\nProxy-Connection: Keep-Alive\r\n\r\n";

    @Test
    void aConnectRequestFedByteByByteNamesItsTarget() {
        Client c = new Client();
        for (char ch : REQUEST.toCharArray()) {
            c.send(String.valueOf(ch));
        }
        assertEquals(new ProxyHandshake.Target(new HostName("db.internal"), 5432), c.connect().target());
        c.http.answer(0);
        assertEquals("HTTP/1.1 200 Connection established\r\n\r\n", c.answered.toString());
    }

    @Test
    void bytesRightBehindTheRequestAreTheApplicationsNotAnotherRequest() {
        Client c = new Client();
        c.send(REQUEST + "\u0016\u0003\u0001TLS hello");
        c.connect();
        assertEquals("\u0016\u0003\u0001TLS hello", c.passedOn.toString(StandardCharsets.ISO_8859_1));
        assertNull(c.ch.pipeline().get(HttpConnectNegotiation.CODEC));
    }

    @Test
    void failuresAnswerWithAStatusThatSaysWhoseFaultItWas() {
        int[][] cases = {{ConnectFailed.ECONNREFUSED, 502}, {ConnectFailed.NO_SUCH_HOST, 502},
                {ConnectFailed.ETIMEDOUT, 504}, {ConnectFailed.EACCES, 403}, {ConnectFailed.EMFILE, 503}};
        for (int[] k : cases) {
            Client c = new Client();
            c.send(REQUEST);
            c.http.answer(k[0]);
            assertTrue(c.answered.toString().startsWith("HTTP/1.1 " + k[1] + " "), k[0] + " -> " + c.answered);
            assertTrue(c.answered.toString().contains("Connection: close"));
        }
    }

    @Test
    void otherMethodsAndGarbageAreRefusedInHttp() {
        Client get = new Client();
        get.send("GET http://example.com/ HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertInstanceOf(ProxyHandshake.Next.Close.class, get.steps.get(0));
        assertTrue(get.answered.toString().startsWith("HTTP/1.1 501 "), get.answered.toString());
        Client bad = new Client();
        bad.send("CONNECT nohostport HTTP/1.1\r\n\r\n");
        assertTrue(bad.answered.toString().startsWith("HTTP/1.1 400 "), bad.answered.toString());
    }

    @Test
    void authorityForms() {
        assertEquals(new ProxyHandshake.Target(Ipv6Address.parse("::1"), 443), HttpConnectNegotiation.authority("[::1]:443"));
        assertNull(HttpConnectNegotiation.authority("::1:443"), "IPv6 needs brackets");
        assertNull(HttpConnectNegotiation.authority("host:0"));
        assertNull(HttpConnectNegotiation.authority("host"));
    }
}
