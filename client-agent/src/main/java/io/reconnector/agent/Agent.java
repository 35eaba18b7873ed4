package io.reconnector.agent;

import io.reconnector.edge.DelayedAck;
import io.reconnector.edge.EffectApplier;
import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.ClientSessionEngine;
import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.engine.Extensions;
import io.reconnector.protocol.frame.Destination;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The laptop agent: local listeners (SOCKS and fixed forwards) whose connections ride one
 * resumable transport to the relay ({@link RelayLink}), which reconnects on its own and
 * resumes the session; the local connections never notice. All on one event loop.
 */
public final class Agent extends VerticleBase {
    /** How long stopping waits for the relay to acknowledge the end of the session. */
    static final long STOP_WAIT_MILLIS = 400;

    private final AgentOptions options;
    private final EventLog log = new EventLog("agent", "agent");
    private final List<NetServer> listeners = new ArrayList<>();
    private final Map<Integer, LocalConnection> locals = new HashMap<>();
    private ClientSessionEngine engine;
    private EffectApplier effects;
    private DelayedAck delayedAck;
    private RelayLink link;
    private int boundSocksPort = -1;
    private int boundHttpProxyPort = -1;
    private final List<Integer> boundForwardPorts = new ArrayList<>();
    /** Local sockets open now, over all listeners (SOCKS handshakes included). */
    /** Written on the agent's loop, read by a scrape on another thread: volatile. */
    private volatile int localSockets;
    private final AgentMetrics metrics;
    private final AgentStatus status = new AgentStatus();
    /** Requests that need to know whether the relay speaks the extension, in arrival order. */
    private final List<Runnable> waitingForExtensions = new ArrayList<>();
    /** While stopping: completed once no connection is left in the session. */
    private Promise<Void> allClosed;

    public Agent(AgentOptions options) {
        this(options, new AgentMetrics());
    }

    public Agent(AgentOptions options, AgentMetrics metrics) {
        this.options = options;
        this.metrics = metrics;
        metrics.localConnections(() -> localSockets);
    }

    AgentMetrics metrics() {
        return metrics;
    }

    AgentStatus status() {
        return status;
    }

    /** The connections in the session now, for the status. */
    java.util.Collection<LocalConnection> connections() {
        return locals.values();
    }

    @Override
    public Future<?> start() {
        long clientId = options.clientId() >= 0 ? options.clientId() : new SecureRandom().nextInt() & 0xFFFF_FFFFL;
        engine = new ClientSessionEngine(clientId, options.engineConfig());
        effects = new EffectApplier(engine, new AgentEffects(this));
        link = new RelayLink(this);
        delayedAck = new DelayedAck(vertx, engine, () -> {
            if (link.attached()) {
                run(engine.flush());
            }
        });
        WakeDetector wake = new WakeDetector(options.deadAfter().toMillis());
        vertx.setPeriodic(options.engineConfig().tickMillis(), id -> {
            long away = wake.tick(System.currentTimeMillis(), System.nanoTime());
            if (away > 0) {
                link.suspect("the agent did not run for " + away + " ms (woke from sleep?)");
            }
            run(engine.tick(System.currentTimeMillis()));
        });

        List<Future<?>> bound = new ArrayList<>();
        if (options.socks() != null) {
            bound.add(listen(options.socks().host(), options.socks().port(), "--socks", pipe -> {
                pipe.addCodec(SocksNegotiation.CODEC, SocksNegotiation.codec());
                new LocalConnection(this, pipe, new SocksNegotiation(pipe.pipeline(), pipe::writeMessage), "socks");
            }).onSuccess(port -> {
                boundSocksPort = port;
                log.info(Event.LISTENER_BOUND, "SOCKS5 on " + options.socks().host() + ":" + port, "kind", "socks", "port", port);
            }));
        }
        if (options.httpProxy() != null) {
            bound.add(listen(options.httpProxy().host(), options.httpProxy().port(), "--http-proxy", pipe -> {
                pipe.addCodec(HttpConnectNegotiation.CODEC, HttpConnectNegotiation.codec());
                new LocalConnection(this, pipe, new HttpConnectNegotiation(pipe::write,
                        () -> pipe.removeCodec(HttpConnectNegotiation.CODEC)), "http");
            }).onSuccess(port -> {
                boundHttpProxyPort = port;
                log.info(Event.LISTENER_BOUND, "HTTP proxy (CONNECT) on " + options.httpProxy().host() + ":" + port,
                        "kind", "http", "port", port);
            }));
        }
        for (ForwardSpec f : options.forwards()) {
            int index = boundForwardPorts.size();
            boundForwardPorts.add(-1);
            String flag = "--forward " + f.localPort() + ":" + f.targetText() + ":" + f.targetPort();
            bound.add(listen(f.bind(), f.localPort(), flag, pipe -> new LocalConnection(this, pipe, f)).onSuccess(port -> {
                boundForwardPorts.set(index, port);
                log.info(Event.LISTENER_BOUND, "forward " + f.bind() + ":" + port + " -> " + f.targetText() + ":"
                        + f.targetPort(), "kind", "forward", "port", port);
            }));
        }
        link.connect();
        if (options.status() != null) {
            bound.add(new StatusServer(this).listen(options.status()));
        }
        return Future.all(bound).onSuccess(v -> log.info(Event.AGENT_READY, "agent ready (client id " + clientId
                + ", relay " + options.relay() + ")", "client_id", clientId));
    }

    /** Listens for applications on {@code host:port} ({@code flag} names it in errors); {@code take} adopts each socket. */
    private Future<Integer> listen(String host, int port, String flag, java.util.function.Consumer<SocketPipe> take) {
        NetServer server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true));
        server.connectHandler(s -> {
            if (localSockets >= options.maxLocalConnections()) {
                log.infoLimited(Event.LIMIT_REFUSED, "refusing a local connection: " + localSockets
                        + " are open (--max-local-connections)", "limit", "LOCAL_CONNECTIONS");
                s.close();
                return;
            }
            localSockets++; // one less when its LocalConnection hears of the close
            take.accept(new SocketPipe(s).handOverReads()); // the session keeps each read until acked
        });
        listeners.add(server);
        return server.listen(port, host).map(NetServer::actualPort).recover(t -> Future.failedFuture(
                "cannot listen on " + host + ":" + port + " for " + flag + ": " + io.reconnector.edge.Failures.human(t)));
    }

    /**
     * Stopping (Ctrl-C): stop listening, end every local connection, and, when the relay is
     * attached, end the session there too — the connections' Closed messages, then a clean close
     * of the transport with none open, which is End Session — so the relay frees it at once.
     * Bounded by {@link #STOP_WAIT_MILLIS} for the relay's acks and as long again for its close.
     */
    @Override
    public Future<?> stop() {
        List<Future<?>> closing = new ArrayList<>();
        for (NetServer l : listeners) {
            closing.add(l.close());
        }
        boolean attached = link.attached();
        for (LocalConnection l : List.copyOf(locals.values())) {
            l.pipe.reset(); // its application sees the connection fail, as it would if we crashed
        }
        Promise<Void> acked = Promise.promise();
        if (!attached || engine.connectionCount() == 0) {
            acked.complete();
        } else {
            allClosed = acked; // completed by run() once the relay has acked every Closed
            long timer = vertx.setTimer(STOP_WAIT_MILLIS, id -> acked.tryComplete());
            acked.future().onComplete(x -> vertx.cancelTimer(timer));
        }
        Future<Void> ended = acked.future().compose(v -> link.stop(STOP_WAIT_MILLIS)).onSuccess(v -> log.info(
                Event.AGENT_STOPPED, attached && engine.connectionCount() == 0
                        ? "stopped; session " + engine.clientId() + " ended"
                        : "stopped; the relay keeps session " + engine.clientId() + " until it expires",
                "client_id", engine.clientId()));
        closing.add(ended);
        // Whatever the session still holds of the applications' reads goes back to its pool.
        return Future.join(closing).andThen(ar -> engine.dispose());
    }

    // ------------------------------------------------------------------ what the parts share

    Vertx vertx() {
        return vertx;
    }

    AgentOptions options() {
        return options;
    }

    EventLog log() {
        return log;
    }

    ClientSessionEngine engine() {
        return engine;
    }

    DelayedAck delayedAck() {
        return delayedAck;
    }

    RelayLink link() {
        return link;
    }

    void run(List<Effect> produced) {
        effects.run(produced);
        delayedAck.effectsApplied();
        if (allClosed != null && engine.connectionCount() == 0) {
            allClosed.tryComplete();
        }
    }

    /** The local ports the forwards listen on, in the order given (useful with port 0). */
    public List<Integer> forwardPorts() {
        return List.copyOf(boundForwardPorts);
    }

    public int socksPort() {
        return boundSocksPort;
    }

    public int httpProxyPort() {
        return boundHttpProxyPort;
    }

    // ------------------------------------------------------------------ local connections

    /** A local application connection wants the relay to dial {@code destination:port}; -1 when no id is free. */
    int open(LocalConnection local, Destination destination, int port) {
        int id = engine.nextFreeConnectionId();
        if (id < 0) {
            return -1;
        }
        locals.put(id, local);
        run(engine.open(id, destination, port));
        return id;
    }

    /**
     * Runs {@code then} once the agent knows whether the relay speaks the names-and-IPv6
     * extension (at once if it knows; else a round trip after the relay is reached).
     */
    void whenExtensionsKnown(Runnable then) {
        if (engine.extensions() != Extensions.State.UNKNOWN) {
            then.run();
        } else {
            waitingForExtensions.add(then);
        }
    }

    /** The relay said whether it resolves names: the requests that waited go on. */
    void extensionsSettled(boolean offered) {
        log.info(Event.RELAY_EXTENSIONS, offered ? "the relay resolves names and reaches IPv6 for us"
                : "the relay speaks the seed protocol only: names are resolved here, IPv6 destinations are refused",
                "names", offered);
        List<Runnable> waiting = List.copyOf(waitingForExtensions);
        waitingForExtensions.clear();
        waiting.forEach(Runnable::run);
    }

    void localData(int id, Buffer data) {
        metrics.up(data.length());
        run(engine.write(id, data));
    }

    void localEof(int id) {
        run(engine.localEof(id));
    }

    /** A local socket closed, whatever became of it. */
    void localSocketClosed() {
        localSockets--;
    }

    void localClosed(int id, LocalConnection local) {
        if (locals.get(id) == local) {
            locals.remove(id);
            run(engine.localClosed(id));
        }
    }

    LocalConnection local(int id) {
        return locals.get(id);
    }

    LocalConnection removeLocal(int id) {
        return locals.remove(id);
    }

    int localCount() {
        return locals.size();
    }
}
