package io.reconnector.cli.demo;

import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy that breaks links on command, standing in for a flaky network between agent
 * and relay: {@link #resetAll()} kills every connection with a RST (Wi-Fi dropped, the
 * other side knows at once); {@link #blackholeAll()} silently drops every byte of the
 * connections open now, both ways, forever (laptop asleep, NAT mapping gone: nobody is
 * told), while new connections go through as a fresh network path would.
 */
public final class ChaosProxy {
    private final Vertx vertx;
    private volatile String targetHost;
    private volatile int targetPort;
    private final Set<Pair> pairs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private NetServer server;
    private NetClient client;

    private final class Pair {
        final NetSocket front;
        NetSocket back;
        volatile boolean stalled;

        Pair(NetSocket front) {
            this.front = front;
        }

        /**
         * Both sockets are set to reset before either closes: closing one runs its close
         * handler, which closes the other, and a close not yet set to reset would send a FIN,
         * which a relay takes for the client's End Session.
         */
        void reset() {
            abortive(front);
            if (back != null) {
                abortive(back);
            }
            front.close();
            if (back != null) {
                back.close();
            }
            pairs.remove(this);
        }
    }

    public ChaosProxy(Vertx vertx, String targetHost, int targetPort) {
        this.vertx = vertx;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    public Future<Integer> listen(String host, int port) {
        client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true));
        server = vertx.createNetServer().connectHandler(this::accept);
        return server.listen(port, host).map(NetServer::actualPort);
    }

    private void accept(NetSocket front) {
        accepted.incrementAndGet();
        Pair p = new Pair(front);
        pairs.add(p);
        front.pause();
        client.connect(targetPort, targetHost).onComplete(ar -> {
            if (ar.failed()) {
                p.reset();
                return;
            }
            NetSocket back = ar.result();
            p.back = back;
            pump(p, front, back);
            pump(p, back, front);
            // A blackholed link tells neither end anything, not even that the other end closed:
            // the far side stays half-open until its own dead-link timer gives up.
            front.closeHandler(v -> {
                if (!p.stalled) {
                    back.close();
                }
                pairs.remove(p);
            });
            back.closeHandler(v -> {
                if (!p.stalled) {
                    front.close();
                }
                pairs.remove(p);
            });
            front.resume();
        });
    }

    private void pump(Pair p, NetSocket from, NetSocket to) {
        from.handler(b -> {
            if (p.stalled) {
                return; // dropped on the floor: nobody is told
            }
            to.write(b);
            if (to.writeQueueFull()) {
                from.pause();
                to.drainHandler(v -> from.resume());
            }
        });
        from.exceptionHandler(t -> {
            if (!p.stalled) {
                p.reset();
            }
        });
    }

    /** Every connection through the proxy ends at once with a reset, both ways. */
    public void resetAll() {
        for (Pair p : pairs.toArray(Pair[]::new)) {
            vertx.runOnContext(v -> p.reset());
        }
    }

    /** Every connection open now goes silent both ways; nobody is told. New ones work. */
    public void blackholeAll() {
        for (Pair p : pairs.toArray(Pair[]::new)) {
            p.stalled = true;
        }
    }

    /** New connections go to {@code host:port} from now on (open ones stay where they are). */
    public void retarget(String host, int port) {
        this.targetHost = host;
        this.targetPort = port;
    }

    public int connectionsAccepted() {
        return accepted.get();
    }

    public int openConnections() {
        return pairs.size();
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** From now on, closing {@code s} resets it (SO_LINGER 0). */
    private static void abortive(NetSocket s) {
        try {
            ((NetSocketInternal) s).channelHandlerContext().channel().config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // already closed: nothing to reset
        }
    }
}
