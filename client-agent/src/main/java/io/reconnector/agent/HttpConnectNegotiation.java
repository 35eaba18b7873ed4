package io.reconnector.agent;

import io.netty.channel.ChannelHandler;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.reconnector.edge.HostPort;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Destination;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The HTTP proxy side of one local connection: {@code CONNECT host:port} (RFC 9110 §9.3.6), what
 * browsers, git, npm and curl send through {@code HTTPS_PROXY}. Netty's request decoder reads the
 * request head; the answers are written as bytes: {@code 200} once the relay has connected, and
 * for a failure a status that says whose fault it was — 502 when the destination refused or does
 * not exist, 504 when it (or the relay) did not answer in time, 403 when the relay's policy
 * forbids it — with the reason in the body, then the connection closes.
 */
final class HttpConnectNegotiation implements ProxyHandshake {
    /** The name the request decoder gets in the socket's pipeline. */
    static final String CODEC = "http-proxy";
    private static final int MAX_LINE = 8192;
    private static final int MAX_HEADERS = 16384;
    /** A CONNECT request has no body; the decoder still wants a bound for one. */
    private static final int MAX_CHUNK = 8192;

    private final Consumer<Buffer> write;
    private final Runnable removeCodec;
    private boolean requested;

    /**
     * @param write       writes bytes to the socket
     * @param removeCodec takes the request decoder out of the pipeline (the socket is paused then)
     */
    HttpConnectNegotiation(Consumer<Buffer> write, Runnable removeCodec) {
        this.write = write;
        this.removeCodec = removeCodec;
    }

    static ChannelHandler codec() {
        return new HttpRequestDecoder(MAX_LINE, MAX_HEADERS, MAX_CHUNK);
    }

    @Override
    public Next onMessage(Object message) {
        try {
            if (requested) {
                return WAIT; // the CONNECT request's empty end (LastHttpContent): nothing to do
            }
            if (message instanceof HttpObject o && o.decoderResult().isFailure()) {
                return refuse(400, "Bad Request", "not an HTTP request: " + o.decoderResult().cause().getMessage());
            }
            if (!(message instanceof HttpRequest request)) {
                return WAIT;
            }
            requested = true;
            if (!HttpMethod.CONNECT.equals(request.method())) {
                return refuse(501, "Not Implemented", "this proxy tunnels with CONNECT only (use an https:// URL, "
                        + "or curl -p / --proxytunnel for http://); got " + request.method());
            }
            Target target = authority(request.uri());
            if (target == null) {
                return refuse(400, "Bad Request", "CONNECT wants host:port, got '" + request.uri() + "'");
            }
            // What follows the request is the application's (a client may send its TLS hello at
            // once): the decoder leaves now and hands any bytes it holds on to the paused socket.
            removeCodec.run();
            return new Next.Connect(target);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    /** {@code host:port}, {@code [v6]:port}; null when it is neither (an IPv6 host needs its brackets). */
    static Target authority(String uri) {
        if (uri.indexOf(':') != uri.lastIndexOf(':') && !uri.startsWith("[")) {
            return null;
        }
        try {
            HostPort at = HostPort.parse(uri);
            return at.port() < 1 ? null : new Target(Destination.parse(at.host()), at.port());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public void answer(int errno) {
        if (errno == 0) {
            write.accept(Buffer.buffer("HTTP/1.1 200 Connection established\r\n\r\n"));
            return;
        }
        switch (errno) {
            case ConnectFailed.EACCES -> refuse(403, "Forbidden", "the relay's policy does not allow this destination");
            case ConnectFailed.ETIMEDOUT -> refuse(504, "Gateway Timeout", "no answer in time (the destination, or the "
                    + "relay, is unreachable)");
            case ConnectFailed.ECONNREFUSED -> refuse(502, "Bad Gateway", "the destination refused the connection");
            case ConnectFailed.NO_SUCH_HOST -> refuse(502, "Bad Gateway", "no such host");
            case ConnectFailed.NAME_LOOKUP_FAILED -> refuse(502, "Bad Gateway", "the name could not be looked up");
            case ConnectFailed.EMFILE -> refuse(503, "Service Unavailable", "too many connections (a limit was reached)");
            case EAFNOSUPPORT -> refuse(502, "Bad Gateway", "the relay carries IPv4 destinations only");
            default -> refuse(502, "Bad Gateway", "the relay could not connect (errno " + errno + ")");
        }
    }

    private Next refuse(int status, String reason, String why) {
        byte[] body = (why + "\n").getBytes(StandardCharsets.UTF_8);
        write.accept(Buffer.buffer("HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").appendBytes(body));
        return new Next.Close(why);
    }
}
