package io.reconnector.agent;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A channel with a proxy protocol's real Netty codec and, behind it, the handshake as the local
 * connection drives it: decoded messages go to the handshake (its answers are kept in
 * {@link #steps}), bytes the codec passes on are what the application sends after it.
 */
final class HandshakeChannel<H extends ProxyHandshake> {
    final EmbeddedChannel ch = new EmbeddedChannel();
    final H handshake;
    final List<ProxyHandshake.Next> steps = new ArrayList<>();
    final ByteArrayOutputStream passedOn = new ByteArrayOutputStream();

    HandshakeChannel(String codecName, ChannelHandler codec, Function<EmbeddedChannel, H> make) {
        handshake = make.apply(ch);
        ch.pipeline().addLast(codecName, codec);
        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf b) {
                    byte[] bytes = new byte[b.readableBytes()];
                    b.readBytes(bytes);
                    passedOn.writeBytes(bytes);
                    b.release();
                } else {
                    steps.add(handshake.onMessage(msg));
                }
            }
        });
    }

    ProxyHandshake.Next last() {
        return steps.get(steps.size() - 1);
    }
}
