package io.reconnector.edge;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's and relay's transport: sockets get the options asked for (only the system calls
 * that change nothing are gone), and the agent's loop accepts its own connections.
 */
class LeanNioTransportTest {

    /** The accepted and the dialled socket of one connection through a Vert.x built as given. */
    private record Ends(Channel accepted, Channel dialled) {
    }

    private static Ends connect(Vertx vertx, NetServerOptions server, NetClientOptions client) throws Exception {
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        int port = vertx.createNetServer(server).connectHandler(s -> accepted.complete(channel(s)))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS).actualPort();
        NetSocket dialled = vertx.createNetClient(client).connect(port, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        return new Ends(accepted.get(5, TimeUnit.SECONDS), channel(dialled));
    }

    private static Channel channel(NetSocket s) {
        return ((NetSocketInternal) s).channelHandlerContext().channel();
    }

    @Test
    void socketsHaveTheOptionsAskedForWhetherOrNotTheyAreTheDefaults() throws Exception {
        Vertx vertx = VertxSetup.relay(Vertx.builder().with(VertxSetup.options()), VertxSetup.DEFAULT_BUSY_POLL).build();
        try {
            Ends plain = connect(vertx, new NetServerOptions().setTcpNoDelay(true), new NetClientOptions().setTcpNoDelay(true));
            for (Channel c : new Channel[] {plain.accepted(), plain.dialled()}) {
                assertTrue(c.config().getOption(ChannelOption.TCP_NODELAY), "no Nagle delay on " + c);
                assertFalse(c.config().getOption(ChannelOption.SO_KEEPALIVE), "no keepalive asked for on " + c);
            }
            Ends unlike = connect(vertx, new NetServerOptions().setTcpNoDelay(false).setTcpKeepAlive(true),
                    new NetClientOptions().setTcpNoDelay(false).setTcpKeepAlive(true));
            for (Channel c : new Channel[] {unlike.accepted(), unlike.dialled()}) {
                assertFalse(c.config().getOption(ChannelOption.TCP_NODELAY), "Nagle asked for on " + c);
                assertTrue(c.config().getOption(ChannelOption.SO_KEEPALIVE), "keepalive asked for on " + c);
            }
            assertFalse(vertx.isNativeTransportEnabled(), "still Vert.x's NIO transport");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theAgentsLoopAcceptsItsOwnConnectionsAndARelayKeepsItsAcceptorThread() throws Exception {
        Vertx agent = VertxSetup.agent(Vertx.builder().with(VertxSetup.options().setEventLoopPoolSize(1)), VertxSetup.DEFAULT_BUSY_POLL).build();
        Vertx relay = VertxSetup.relay(Vertx.builder().with(VertxSetup.options().setEventLoopPoolSize(1)), VertxSetup.DEFAULT_BUSY_POLL).build();
        try {
            Channel viaAgent = connect(agent, new NetServerOptions(), new NetClientOptions()).accepted();
            assertSame(viaAgent.eventLoop(), viaAgent.parent().eventLoop(), "accepted where it is served: no hand-off");
            Channel viaRelay = connect(relay, new NetServerOptions(), new NetClientOptions()).accepted();
            assertNotSame(viaRelay.eventLoop(), viaRelay.parent().eventLoop(), "a relay accepts on Vert.x's acceptor");
        } finally {
            // The agent's loop is its acceptor too: closing must still finish.
            agent.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            relay.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
