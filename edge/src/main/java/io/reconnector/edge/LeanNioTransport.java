package io.reconnector.edge;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.NetServerOptions;

import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * Vert.x's NIO transport with less work per connection, for connection setup (issue 12):
 * <ul>
 * <li>A socket option is set only when it differs from what a new socket already has. Vert.x
 * sets TCP_NODELAY (Netty's channels start with it on), SO_KEEPALIVE off (the kernel's
 * default) and, on a dialled socket, SO_REUSEADDR (which only matters to an explicit bind):
 * three {@code setsockopt} per dial and two per accepted socket that change nothing.</li>
 * <li>Optionally ({@link #acceptingOnTheLoop}), connections are accepted on the event loop
 * instead of on Vert.x's acceptor thread. A process with one event loop (the agent) then
 * accepts and serves a connection on one thread: no hand-off per accepted connection (a
 * wake-up of the loop from the acceptor, about a fifth of the agent's CPU per connection in a
 * connect loop). Vert.x keeps its acceptor apart so a busy server's loops cannot delay
 * accepting; a relay keeps it.</li>
 * <li>Unless told not to ({@code --busy-poll 0}), a loop with nothing to do polls its sockets
 * for a short, adaptive while before it sleeps ({@link BusyPoll}): an answer that comes
 * meanwhile does not wait for the kernel to wake the loop.</li>
 * </ul>
 * A subclass of Vert.x's own, so everything else (and {@code isNativeTransportEnabled}) stays.
 */
final class LeanNioTransport extends NioTransport {
    private final boolean acceptOnTheLoop;
    /** The most a loop polls before it sleeps; zero: it never polls. */
    private final Duration busyPoll;
    private EventLoopGroup ioLoops;

    private LeanNioTransport(boolean acceptOnTheLoop, Duration busyPoll) {
        this.acceptOnTheLoop = acceptOnTheLoop;
        this.busyPoll = busyPoll;
    }

    static LeanNioTransport withAcceptorThread(Duration busyPoll) {
        return new LeanNioTransport(false, busyPoll);
    }

    static LeanNioTransport acceptingOnTheLoop(Duration busyPoll) {
        return new LeanNioTransport(true, busyPoll);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
        if (busyPoll.isZero()) {
            return super.ioHandlerFactory();
        }
        // A strategy per loop: each adapts its window to its own sockets.
        return NioIoHandler.newFactory(SelectorProvider.provider(), () -> new BusyPoll(busyPoll));
    }

    @Override
    public EventLoopGroup eventLoopGroup(int type, int nThreads, ThreadFactory threadFactory, int ioRatio) {
        // Vert.x creates its I/O loops first, then the acceptor's.
        if (type == ACCEPTOR_EVENT_LOOP_GROUP && acceptOnTheLoop && ioLoops != null) {
            return ioLoops;
        }
        EventLoopGroup group = super.eventLoopGroup(type, nThreads, threadFactory, ioRatio);
        if (type == IO_EVENT_LOOP_GROUP) {
            ioLoops = group;
        }
        return group;
    }

    @Override
    public void configure(ClientOptionsBase options, int connectTimeout, boolean domainSocket, Bootstrap bootstrap) {
        super.configure(options, connectTimeout, domainSocket, bootstrap);
        if (!domainSocket) { // a null value removes an option Vert.x set
            if (options.getLocalAddress() == null) {
                bootstrap.option(ChannelOption.SO_REUSEADDR, null);
            }
            if (options.isTcpNoDelay() == NODELAY_BY_DEFAULT) {
                bootstrap.option(ChannelOption.TCP_NODELAY, null);
            }
            if (!options.isTcpKeepAlive()) {
                bootstrap.option(ChannelOption.SO_KEEPALIVE, null);
            }
        }
    }

    @Override
    public void configure(NetServerOptions options, boolean domainSocket, ServerBootstrap bootstrap) {
        super.configure(options, domainSocket, bootstrap);
        if (!domainSocket) { // the listening socket's SO_REUSEADDR stays
            if (options.isTcpNoDelay() == NODELAY_BY_DEFAULT) {
                bootstrap.childOption(ChannelOption.TCP_NODELAY, null);
            }
            if (!options.isTcpKeepAlive()) {
                bootstrap.childOption(ChannelOption.SO_KEEPALIVE, null);
            }
        }
    }

    /** What Netty's socket channels start with. */
    private static final boolean NODELAY_BY_DEFAULT = PlatformDependent.canEnableTcpNoDelayByDefault();
}
