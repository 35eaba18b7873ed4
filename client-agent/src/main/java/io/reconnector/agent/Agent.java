package io.reconnector.agent;

import io.reconnector.edge.EffectRunner;
import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.engine.ClientSessionEngine;
import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.FrameDecoder;
import io.reconnector.protocol.frame.Ipv4Address;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The laptop agent: local listeners (SOCKS5 and fixed forwards) whose connections ride one
 * resumable transport to the relay. When the transport breaks it reconnects on its own
 * (first retry at once, then exponential backoff with jitter) and resumes the session; the
 * local connections never notice. All on one event loop.
 */
public final class Agent extends VerticleBase {
    private static final String WHO = "agent";

    private final AgentOptions options;
    private ClientSessionEngine engine;
    private NetClient client;
    private final List<NetServer> listeners = new ArrayList<>();
    private final Map<Integer, LocalConnection> locals = new HashMap<>();
    private EffectRunner runner;

    private Transport transport;
    private int attempt;
    private long lostAt = -1;
    private String lostWhy;
    private boolean stopping;
    private long reconnectTimer = -1;
    private int boundSocksPort = -1;
    private final List<Integer> boundForwardPorts = new ArrayList<>();

    public Agent(AgentOptions options) {
        this.options = options;
    }

    @Override
    public Future<?> start() {
        long clientId = options.clientId() >= 0 ? options.clientId() : new SecureRandom().nextInt() & 0xFFFF_FFFFL;
        engine = new ClientSessionEngine(clientId, options.engineConfig());
        client = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
                .setConnectTimeout((int) options.connectTimeout().toMillis()));
        // Dead-link detection is only as prompt as the tick: keep it a small part of the dead interval.
        long tickEvery = Math.max(10, Math.min(options.keepalive().toMillis() / 4, options.deadAfter().toMillis() / 40));
        vertx.setPeriodic(tickEvery, id -> run(engine.tick(System.currentTimeMillis())));

        List<Future<?>> bound = new ArrayList<>();
        if (options.socks() != null) {
            NetServer socks = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
            socks.connectHandler(s -> new LocalConnection(this, new SocketPipe(s), null));
            bound.add(socks.listen(options.socks().port(), options.socks().host()).onSuccess(srv -> {
                boundSocksPort = srv.actualPort();
                Log.info(WHO, "SOCKS5 on " + options.socks().host() + ":" + srv.actualPort());
            }));
            listeners.add(socks);
        }
        for (ForwardSpec f : options.forwards()) {
            NetServer fwd = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
            fwd.connectHandler(s -> new LocalConnection(this, new SocketPipe(s), f));
            int index = boundForwardPorts.size();
            boundForwardPorts.add(-1);
            bound.add(fwd.listen(f.localPort(), f.bind()).onSuccess(srv -> {
                boundForwardPorts.set(index, srv.actualPort());
                Log.info(WHO, "forward " + f.bind() + ":" + srv.actualPort() + " -> " + f.target() + ":" + f.targetPort());
            }));
            listeners.add(fwd);
        }
        connect();
        return Future.all(bound).onSuccess(v -> Log.info(WHO, "agent ready (client id " + clientId + ", relay "
                + options.relay() + ")"));
    }

    /**
     * Closing cleanly with no connection open ends the session on the relay (End Session);
     * with connections open, the transport just goes and the relay keeps the session until
     * it expires.
     */
    @Override
    public Future<?> stop() {
        stopping = true;
        if (reconnectTimer >= 0) {
            vertx.cancelTimer(reconnectTimer);
        }
        List<Future<?>> closing = new ArrayList<>();
        for (NetServer l : listeners) {
            closing.add(l.close());
        }
        if (transport != null) {
            if (engine.connectionCount() == 0) {
                Log.info(WHO, "closing the transport cleanly: no connection open, the session ends");
            }
            Promise<Void> closed = Promise.promise();
            transport.pipe.shutdownOutput();
            // Not a Vert.x timer: the verticle's timers stop with it. The relay closes its side
            // at once on our FIN; if it does not, a second is long enough to wait.
            CompletableFuture.delayedExecutor(1, TimeUnit.SECONDS)
                    .execute(closed::tryComplete);
            transport.closedPromise = closed;
            closing.add(closed.future());
        }
        return Future.join(closing);
    }

    io.vertx.core.Vertx vertx() {
        return vertx;
    }

    /** The local ports the forwards listen on, in the order given (useful with port 0). */
    public List<Integer> forwardPorts() {
        return List.copyOf(boundForwardPorts);
    }

    public int socksPort() {
        return boundSocksPort;
    }

    // ------------------------------------------------------------------ the transport

    private void connect() {
        if (stopping) {
            return;
        }
        reconnectTimer = -1;
        client.connect(options.relay().port(), options.relay().host()).onComplete(ar -> {
            if (stopping) {
                if (ar.succeeded()) {
                    ar.result().close();
                }
                return;
            }
            if (ar.failed()) {
                scheduleReconnect("cannot reach relay " + options.relay() + ": " + ar.cause().getMessage());
                return;
            }
            transport = new Transport(new SocketPipe(ar.result()));
            transport.pipe.listen(transport);
            transport.pipe.resume();
            run(engine.attach(System.currentTimeMillis()));
        });
    }

    private void scheduleReconnect(String why) {
        if (stopping || reconnectTimer >= 0) {
            return;
        }
        // First retry at once (a cut link often comes straight back), then 100 ms doubling to the cap, ± 25 %.
        long delay = attempt == 0 ? 0 : Math.min(options.backoffMax().toMillis(), 100L << Math.min(16, attempt - 1));
        delay = Math.round(delay * (0.75 + ThreadLocalRandom.current().nextDouble() * 0.5));
        attempt++;
        if (attempt > 1) {
            Log.info(WHO, "reconnecting in " + (delay >= 1000 ? String.format("%.1f s", delay / 1000.0) : delay + " ms")
                    + " (" + why + ")");
        }
        reconnectTimer = vertx.setTimer(Math.max(1, delay), id -> connect());
    }

    /** The current transport is gone, for whatever reason: detach and reconnect. */
    private void lost(Transport t, String why) {
        if (t != transport) {
            return;
        }
        transport = null;
        // A reset, never a FIN: a clean close with no connection open would end the session.
        t.pipe.reset();
        run(engine.transportLost());
        if (lostAt < 0) {
            lostAt = System.nanoTime();
            lostWhy = why;
            Log.info(WHO, "lost the relay: " + why);
        }
        if (t.closedPromise != null) {
            t.closedPromise.tryComplete();
        }
        scheduleReconnect(why);
    }

    private final class Transport implements SocketPipe.Listener {
        final SocketPipe pipe;
        final FrameDecoder decoder = new FrameDecoder();
        Promise<Void> closedPromise;

        Transport(SocketPipe pipe) {
            this.pipe = pipe;
        }

        @Override
        public void onData(Buffer data) {
            if (transport != this) {
                return;
            }
            try {
                decoder.feed(data, this::onFrame);
            } catch (ProtocolException e) {
                lost(this, "protocol error from the relay: " + e.getMessage());
            }
        }

        private void onFrame(Frame f) {
            if (transport == this) {
                run(engine.receive(f));
            }
        }

        @Override
        public void onReadBatchEnd() {
            if (transport == this) {
                run(engine.flush());
            }
        }

        @Override
        public void onEof() {
            lost(this, "the relay closed the connection");
        }

        @Override
        public void onClosed(Throwable cause) {
            if (closedPromise != null) {
                closedPromise.tryComplete();
            }
            lost(this, cause == null ? "connection closed" : cause.getMessage());
        }
    }

    // ------------------------------------------------------------------ local connections

    /** A local application connection wants the relay to dial {@code address:port}. */
    int open(LocalConnection local, Ipv4Address address, int port) {
        int id = engine.nextFreeConnectionId();
        if (id < 0) {
            return -1;
        }
        locals.put(id, local);
        run(engine.open(id, address, port));
        return id;
    }

    void localData(int id, Buffer data) {
        run(engine.write(id, data));
    }

    void localEof(int id) {
        run(engine.localEof(id));
    }

    void localClosed(int id, LocalConnection local) {
        if (locals.get(id) == local) {
            locals.remove(id);
            run(engine.localClosed(id));
        }
    }

    // ------------------------------------------------------------------ effects

    private void run(List<Effect> effects) {
        effects().run(effects);
    }

    private EffectRunner effects() {
        if (runner == null) {
            runner = new EffectRunner(this::apply, frames -> {
                if (transport != null) {
                    transport.pipe.write(frames);
                }
            });
        }
        return runner;
    }

    private void apply(Effect e) {
        if (e instanceof Effect.Deliver d) {
            LocalConnection l = locals.get(d.connectionId());
            if (l != null) {
                int n = d.data().length();
                l.pipe.write(d.data()).onSuccess(v -> {
                    if (locals.get(d.connectionId()) == l) {
                        run(engine.consumed(d.connectionId(), n));
                    }
                });
            }
        } else if (e instanceof Effect.DeliverEof eof) {
            LocalConnection l = locals.get(eof.connectionId());
            if (l != null) {
                l.pipe.shutdownOutput();
            }
        } else if (e instanceof Effect.CloseConnection c) {
            LocalConnection l = locals.remove(c.connectionId());
            if (!c.graceful()) {
                Log.info(WHO, "connection " + c.connectionId() + " aborted: " + c.reason());
            }
            if (l != null) {
                l.closedByRelay(c.graceful());
            }
        } else if (e instanceof Effect.ConnectResult r) {
            LocalConnection l = locals.get(r.connectionId());
            if (r.errno() != 0) {
                locals.remove(r.connectionId());
            }
            if (l != null) {
                l.connectResult(r.errno());
            }
        } else if (e instanceof Effect.PauseReading p) {
            LocalConnection l = locals.get(p.connectionId());
            if (l != null) {
                l.pipe.pause();
            }
        } else if (e instanceof Effect.ResumeReading r) {
            LocalConnection l = locals.get(r.connectionId());
            if (l != null) {
                l.pipe.resume();
            }
        } else if (e instanceof Effect.Established est) {
            attempt = 0;
            if (!est.resumed()) {
                Log.info(WHO, "connected: new session " + engine.clientId() + " on relay " + options.relay());
            } else {
                String took = lostAt < 0 ? "" : String.format(", %.1f ms after the link was lost", (System.nanoTime() - lostAt) / 1e6);
                Log.info(WHO, "resumed: " + est.retransmitted() + " messages replayed, " + locals.size()
                        + " connections kept" + took);
            }
            lostAt = -1;
        } else if (e instanceof Effect.Rejected) {
            Log.info(WHO, "rejected: the relay no longer knows session " + engine.clientId()
                    + "; starting a new session (connections that could not be resumed were closed)");
            attempt = 0;
            Transport t = transport;
            if (t != null) {
                lost(t, "session rejected");
            }
        } else if (e instanceof Effect.TransportDead dead) {
            Transport t = transport;
            if (t != null) {
                lost(t, "nothing heard from the relay for " + dead.silentMillis() + " ms");
            }
        } else if (e instanceof Effect.ProtocolError pe) {
            Transport t = transport;
            if (t != null) {
                lost(t, "protocol error: " + pe.error().getMessage());
            }
        }
    }
}
