package io.reconnector.edge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Bounds what a paused socket reads ahead. Vert.x's pause only stops handing reads over: the
 * socket goes on reading into a queue of Vert.x's own until 8 reads wait there, at the end of a
 * read loop of up to 16 reads of up to 64 KiB. That was up to a MiB per paused connection, which
 * no budget counted, and a relay pauses every connection of a session at its budget. In front of
 * Vert.x's handler, this stops reading at the socket once {@link #READ_AHEAD} bytes have come in
 * while paused; what the peer sends after that waits in the kernel, bounded by TCP's flow
 * control.
 *
 * <p>For a relay's destinations ({@link SocketPipe#limitReadAhead}), which a client that never
 * acks could otherwise make the relay read ahead from by the MiB per connection. Not for the
 * agent's applications: stopping and starting a socket on every pause cost an upload about a
 * tenth of its speed, and the agent's own applications are not its adversaries.
 *
 * <p>Some read-ahead is kept on purpose: a peer that sent its last words and hung up answers
 * our next write with a reset, and a reset discards what waits unread in the kernel. What was
 * read ahead survives it and is handed over on resume, before the close.
 */
final class PausedReads extends ChannelInboundHandlerAdapter {
    static final String NAME = "reconnector-paused-reads";
    /** What a paused socket may read ahead: one read's worth. */
    static final int READ_AHEAD = 64 * 1024;

    private boolean paused;
    private int readWhilePaused;
    /** We turned the channel's reading off, and must turn it on again. */
    private boolean stopped;

    void pause() {
        paused = true;
        readWhilePaused = 0;
    }

    /** Call once Vert.x has handed over what it queued (its queue is empty, so it wants reading on too). */
    void resume(Channel channel) {
        paused = false;
        if (stopped) {
            stopped = false;
            channel.config().setAutoRead(true);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (paused && msg instanceof ByteBuf b) {
            readWhilePaused += b.readableBytes();
            if (readWhilePaused >= READ_AHEAD && !stopped) {
                stopped = true;
                ctx.channel().config().setAutoRead(false); // ends the read loop after this read
            }
        }
        ctx.fireChannelRead(msg);
    }
}
