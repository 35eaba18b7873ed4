package io.reconnector.agent;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.socksx.SocksMessage;
import io.netty.handler.codec.socksx.SocksPortUnificationServerHandler;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandResponse;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandStatus;
import io.netty.handler.codec.socksx.v4.Socks4CommandType;
import io.netty.handler.codec.socksx.v4.Socks4ServerDecoder;
import io.netty.handler.codec.socksx.v4.Socks4ServerEncoder;
import io.netty.handler.codec.socksx.v5.DefaultSocks5CommandResponse;
import io.netty.handler.codec.socksx.v5.DefaultSocks5InitialResponse;
import io.netty.handler.codec.socksx.v5.Socks5AddressType;
import io.netty.handler.codec.socksx.v5.Socks5AuthMethod;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequest;
import io.netty.handler.codec.socksx.v5.Socks5CommandRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5CommandStatus;
import io.netty.handler.codec.socksx.v5.Socks5CommandType;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequest;
import io.netty.handler.codec.socksx.v5.Socks5InitialRequestDecoder;
import io.netty.handler.codec.socksx.v5.Socks5ServerEncoder;
import io.netty.util.ReferenceCountUtil;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Destination;

import java.util.function.Consumer;

/**
 * The SOCKS server side of one local connection (SOCKS5 per RFC 1928 with no authentication,
 * and SOCKS4 / 4a), on netty-codec-socks: Netty's codecs, in front of Vert.x in the socket's
 * pipeline, turn bytes into requests and answers into bytes; this class decides the answers.
 * Only CONNECT is offered.
 */
final class SocksNegotiation implements ProxyHandshake {
    /** The name the SOCKS codec gets in the socket's pipeline. */
    static final String CODEC = "socks";


    private final ChannelPipeline pipeline;
    private final Consumer<Object> reply;
    private boolean socks4;

    /**
     * @param pipeline the socket's pipeline, with {@link #codec()} installed in front of Vert.x
     * @param reply    writes a SOCKS message through that pipeline
     */
    SocksNegotiation(ChannelPipeline pipeline, Consumer<Object> reply) {
        this.pipeline = pipeline;
        this.reply = reply;
    }

    /** The codec to put in the socket's pipeline: it detects SOCKS4 or 5 and installs their decoders. */
    static SocksPortUnificationServerHandler codec() {
        return new SocksPortUnificationServerHandler();
    }

    /** A message Netty's SOCKS decoders produced. */
    @Override
    public Next onMessage(Object message) {
        try {
            if (message instanceof SocksMessage m && m.decoderResult() != DecoderResult.SUCCESS) {
                return refuse(Socks5CommandStatus.FAILURE, "not a SOCKS request: " + m.decoderResult().cause());
            }
            if (message instanceof Socks5InitialRequest hello) {
                return greeting(hello);
            }
            if (message instanceof Socks5CommandRequest request) {
                return command(request);
            }
            if (message instanceof Socks4CommandRequest request) {
                return command4(request);
            }
            return new Next.Close("unexpected " + message.getClass().getSimpleName());
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private Next greeting(Socks5InitialRequest hello) {
        if (!hello.authMethods().contains(Socks5AuthMethod.NO_AUTH)) {
            reply.accept(new DefaultSocks5InitialResponse(Socks5AuthMethod.UNACCEPTED));
            return new Next.Close("the client offers no method without authentication");
        }
        pipeline.replace(Socks5InitialRequestDecoder.class, null, new Socks5CommandRequestDecoder());
        reply.accept(new DefaultSocks5InitialResponse(Socks5AuthMethod.NO_AUTH));
        return WAIT;
    }

    private Next command(Socks5CommandRequest request) {
        if (request.type() != Socks5CommandType.CONNECT) {
            return refuse(Socks5CommandStatus.COMMAND_UNSUPPORTED, request.type() + " is not offered");
        }
        return target(request.dstAddr(), request.dstPort());
    }

    private Next command4(Socks4CommandRequest request) {
        socks4 = true;
        if (request.type() != Socks4CommandType.CONNECT) {
            answer(ConnectFailed.EACCES);
            return new Next.Close(request.type() + " is not offered");
        }
        // SOCKS4a puts a host name where SOCKS4 has an address; Netty hands over either as text.
        return target(request.dstAddr(), request.dstPort());
    }

    /**
     * Netty gives every address type as text (IPv6 without brackets); a name that happens to be an
     * address literal (curl --socks5-hostname 127.0.0.1) is that address, never looked up.
     */
    private Next target(String host, int port) {
        try {
            return new Next.Connect(new Target(Destination.parse(host), port));
        } catch (IllegalArgumentException e) {
            return refuse(Socks5CommandStatus.HOST_UNREACHABLE, "not a destination: " + e.getMessage());
        }
    }

    private Next refuse(Socks5CommandStatus status, String why) {
        if (socks4) {
            reply.accept(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        } else {
            reply.accept(new DefaultSocks5CommandResponse(status, Socks5AddressType.IPv4, "0.0.0.0", 0));
        }
        return new Next.Close(why);
    }

    /** Answers the CONNECT request: errno 0 is success, any other the matching SOCKS refusal. */
    @Override
    public void answer(int errno) {
        if (errno == 0) {
            reply.accept(socks4 ? new DefaultSocks4CommandResponse(Socks4CommandStatus.SUCCESS)
                    : new DefaultSocks5CommandResponse(Socks5CommandStatus.SUCCESS, Socks5AddressType.IPv4, "0.0.0.0", 0));
            removeCodecs(); // from now on the socket carries the application's bytes
        } else if (socks4) {
            reply.accept(new DefaultSocks4CommandResponse(Socks4CommandStatus.REJECTED_OR_FAILED));
        } else {
            reply.accept(new DefaultSocks5CommandResponse(statusFor(errno), Socks5AddressType.IPv4, "0.0.0.0", 0));
        }
    }

    /** The SOCKS5 reply for a Connect Failed errno. */
    static Socks5CommandStatus statusFor(int errno) {
        return switch (errno) {
            case ConnectFailed.ECONNREFUSED -> Socks5CommandStatus.CONNECTION_REFUSED;
            case ConnectFailed.EACCES -> Socks5CommandStatus.FORBIDDEN;
            case ConnectFailed.ENETUNREACH -> Socks5CommandStatus.NETWORK_UNREACHABLE;
            case ConnectFailed.EHOSTUNREACH, ConnectFailed.ETIMEDOUT, ConnectFailed.NO_SUCH_HOST,
                    ConnectFailed.NAME_LOOKUP_FAILED -> Socks5CommandStatus.HOST_UNREACHABLE;
            case EAFNOSUPPORT -> Socks5CommandStatus.ADDRESS_UNSUPPORTED;
            default -> Socks5CommandStatus.FAILURE;
        };
    }

    private void removeCodecs() {
        for (Class<? extends io.netty.channel.ChannelHandler> c : java.util.List.of(Socks5CommandRequestDecoder.class,
                Socks5ServerEncoder.class, Socks4ServerDecoder.class, Socks4ServerEncoder.class)) {
            if (pipeline.get(c) != null) {
                pipeline.remove(c);
            }
        }
    }
}
