package io.reconnector.relay;

import com.hazelcast.core.HazelcastInstance;
import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.engine.ServerSessionEngine;
import io.reconnector.store.HazelcastSessionStore;
import io.reconnector.store.InMemorySessionStore;
import io.reconnector.store.SessionRecord;
import io.reconnector.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The relay verticle: accepts client transports, resolves each handshake to a session, and
 * owns the sessions homed on this node. Everything runs on the verticle's one event loop,
 * so sessions, their transports and their upstream sockets never race.
 *
 * <p>In a cluster, a Reconnect for a session homed elsewhere is, in order of preference:
 * taken over by a clean handover when the session is idle (its home moves here), forwarded
 * raw to the home's peer port when it is not, or taken over from its record when the home
 * is gone.
 */
public final class Relay extends VerticleBase {
    private static final int MAX_ROUTE_ATTEMPTS = 3;

    private final RelayOptions options;
    private final HazelcastInstance hazelcast;
    private final RelayMetrics metrics = new RelayMetrics();
    private final Map<Long, RelaySession> sessions = new HashMap<>();
    private final Set<ClientTransport> hops = new LinkedHashSet<>();
    private SessionStore store;
    private Directory directory;
    private ClusterControl control;
    private UpstreamDialer dialer;
    private NetClient peerClient;
    private NetServer server;
    private NetServer peerServer;
    private int actualPort;
    private int actualPeerPort;
    private boolean draining;

    /** @param hazelcast the member holding session records, or null for a node without a cluster */
    public Relay(RelayOptions options, HazelcastInstance hazelcast) {
        this.options = options;
        this.hazelcast = hazelcast;
    }

    private String who() {
        return "relay " + options.nodeName();
    }

    @Override
    public Future<?> start() {
        store = hazelcast != null ? new HazelcastSessionStore(hazelcast, context) : new InMemorySessionStore();
        directory = hazelcast != null ? new Directory.Hazelcast(hazelcast, context) : new Directory.Local();
        control = new ClusterControl(vertx, options.nodeName());
        dialer = new UpstreamDialer(vertx, options.connectTimeout());
        peerClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(2000));
        long tickEvery = Math.max(20, Math.min(1000, options.keepalive().toMillis() / 4));
        vertx.setPeriodic(tickEvery, id -> {
            long now = now();
            for (RelaySession s : sessions.values().toArray(RelaySession[]::new)) {
                s.tick(now);
            }
        });
        peerServer = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        peerServer.connectHandler(socket -> new ClientTransport(this, new SocketPipe(socket), true));
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        server.connectHandler(socket -> new ClientTransport(this, new SocketPipe(socket), false));
        // A first store read sets up the map's partitions before clients wait on it.
        return store.get(0).<Void>mapEmpty().recover(t -> Future.succeededFuture())
                .compose(v -> control.serve(this::onControl))
                .compose(v -> peerServer.listen(options.peerListen().port(), options.peerListen().host()))
                .compose(p -> {
                    actualPeerPort = p.actualPort();
                    String host = options.peerListen().host().equals("0.0.0.0") ? options.clusterHost() : options.peerListen().host();
                    return directory.register(new NodeInfo(options.nodeName(), host, actualPeerPort, directory.localMemberId()));
                })
                .compose(v -> server.listen(options.listen().port(), options.listen().host()))
                .onSuccess(s -> {
                    actualPort = s.actualPort();
                    Log.info(who(), "relay listening on " + options.listen().host() + ":" + actualPort
                            + " (peer port " + actualPeerPort + (vertx.isNativeTransportEnabled() ? ", native transport" : "")
                            + ")");
                });
    }

    /**
     * Leaving: local sockets close, but the session records stay, so the sessions live on and
     * another node takes each over when its client comes back.
     */
    @Override
    public Future<?> stop() {
        for (RelaySession s : sessions.values().toArray(RelaySession[]::new)) {
            s.leave();
        }
        sessions.clear();
        return server == null ? Future.succeededFuture() : server.close();
    }

    // ------------------------------------------------------------------ handshakes

    /** Resolves a transport's first frame: a new session, a resumed one, or a rejection. */
    void handshake(ClientTransport t, ResumeHandshake h) {
        if (!h.resume()) {
            startSession(t, h);
        } else {
            resumeSession(t, h, 1);
        }
    }

    private void startSession(ClientTransport t, ResumeHandshake h) {
        long id = h.clientId();
        store.start(id, options.nodeName(), now()).onComplete(ar -> {
            if (ar.failed()) {
                t.close("session store unavailable: " + ar.cause().getMessage());
                return;
            }
            RelaySession old = sessions.remove(id);
            if (old != null) {
                Log.info(who(), "session " + id + ": Start Session replaces the old session");
                old.end("replaced by a new Start Session");
            }
            ar.result().replaced().ifPresent(prev -> {
                if (!prev.homeNode().equals(options.nodeName())) {
                    Log.info(who(), "session " + id + ": Start Session here kills the old one on " + prev.homeNode());
                    control.kill(prev.homeNode(), id, prev.epoch());
                }
            });
            if (t.closed()) {
                return;
            }
            adopt(t, h, new RelaySession(this, ar.result().record(), new ServerSessionEngine(id, options.engineConfig())));
        });
    }

    private void resumeSession(ClientTransport t, ResumeHandshake h, int attempt) {
        long id = h.clientId();
        RelaySession local = sessions.get(id);
        if (local != null && !local.ended()) {
            local.attach(t, h);
            t.attached(local);
            return;
        }
        store.get(id).onComplete(ar -> {
            if (ar.failed()) {
                t.close("session store unavailable: " + ar.cause().getMessage());
            } else if (ar.result().isEmpty()) {
                t.reject(id);
            } else if (!t.closed()) {
                route(t, h, ar.result().get(), attempt);
            }
        });
    }

    private void route(ClientTransport t, ResumeHandshake h, SessionRecord rec, int attempt) {
        long id = h.clientId();
        RelaySession local = sessions.get(id);
        if (local != null && !local.ended()) {
            local.attach(t, h);
            t.attached(local);
            return;
        }
        if (rec.homeNode().equals(options.nodeName())) {
            // Homed here, but not in this process: a previous incarnation of this node died with it.
            takeOver(t, h, rec, true, attempt);
            return;
        }
        directory.lookup(rec.homeNode()).onComplete(nar -> {
            Optional<NodeInfo> home = nar.succeeded() ? nar.result() : Optional.empty();
            if (home.isEmpty() || !directory.alive(home.get())) {
                takeOver(t, h, rec, true, attempt);
                return;
            }
            control.handover(rec.homeNode(), id).onComplete(har -> {
                String answer = har.succeeded() ? har.result() : "no answer";
                if (t.closed()) {
                    return;
                }
                switch (answer) {
                    case "ok" -> store.get(id).onComplete(rar -> {
                        Optional<SessionRecord> moved = rar.succeeded() ? rar.result() : Optional.empty();
                        if (moved.isPresent() && moved.get().homeNode().equals(options.nodeName())) {
                            Log.info(who(), "session " + id + " moved here from " + rec.homeNode() + " (idle)");
                            adopt(t, h, new RelaySession(this, moved.get(), ServerSessionEngine.restore(id,
                                    options.engineConfig(), RecordCodec.snapshot(moved.get()), false)));
                        } else {
                            retry(t, h, attempt);
                        }
                    });
                    case "unknown" -> takeOver(t, h, rec, true, attempt);
                    default -> forward(t, h, home.get(), rec, attempt);
                }
            });
        });
    }

    private void retry(ClientTransport t, ResumeHandshake h, int attempt) {
        if (attempt >= MAX_ROUTE_ATTEMPTS) {
            t.close("session " + h.clientId() + " keeps changing hands; try again");
        } else {
            resumeSession(t, h, attempt + 1);
        }
    }

    /** Makes this node the session's home from its record, fenced by the epoch we read. */
    private void takeOver(ClientTransport t, ResumeHandshake h, SessionRecord rec, boolean homeLost, int attempt) {
        long id = h.clientId();
        SessionRecord mine = rec.withEpoch(rec.epoch() + 1, options.nodeName()).withAttached(true, now());
        store.replace(rec.epoch(), mine).onComplete(ar -> {
            if (ar.failed() || !ar.result()) {
                retry(t, h, attempt); // someone else changed the record first: look again
                return;
            }
            if (t.closed()) {
                return;
            }
            metrics.takeovers.incrementAndGet();
            Log.info(who(), "session " + id + ": took over from " + rec.homeNode()
                    + (homeLost ? " (home lost; " + rec.connections().size() + " connections there are closed)" : ""));
            adopt(t, h, new RelaySession(this, mine, ServerSessionEngine.restore(id, options.engineConfig(),
                    RecordCodec.snapshot(rec), homeLost)));
        });
    }

    private void adopt(ClientTransport t, ResumeHandshake h, RelaySession s) {
        RelaySession old = sessions.put(h.clientId(), s);
        if (old != null && old != s) {
            old.end("replaced");
        }
        s.attach(t, h);
        t.attached(s);
    }

    /** Passes the client's transport, raw, to the session's home over its peer port. */
    private void forward(ClientTransport t, ResumeHandshake h, NodeInfo home, SessionRecord rec, int attempt) {
        peerClient.connect(home.peerPort(), home.peerHost()).onComplete(ar -> {
            if (ar.failed()) {
                Log.info(who(), "session " + h.clientId() + ": home " + home.name() + " unreachable ("
                        + ar.cause().getMessage() + "); taking the session over");
                takeOver(t, h, rec, true, attempt);
                return;
            }
            if (t.closed()) {
                ar.result().close();
                return;
            }
            metrics.forwarded.incrementAndGet();
            Log.info(who(), "session " + h.clientId() + ": forwarding the transport to its home " + home.name());
            hops.add(t);
            t.becomeHop(ar.result(), options.clusterSecret(), now());
        });
    }

    void hopEnded(ClientTransport t) {
        hops.remove(t);
    }

    // ------------------------------------------------------------------ control messages

    private Future<String> onControl(String op, JsonObject body) {
        long id = body.getLong("clientId");
        RelaySession s = sessions.get(id);
        if (ClusterControl.KILL.equals(op)) {
            if (s != null && s.epoch() == body.getLong("epoch")) {
                Log.info(who(), "session " + id + ": killed by a Start Session on " + body.getString("by"));
                sessions.remove(id);
                s.end("replaced by a Start Session on " + body.getString("by"));
            }
            return Future.succeededFuture("ok");
        }
        if (ClusterControl.HANDOVER.equals(op)) {
            if (s == null || s.ended()) {
                return Future.succeededFuture("unknown");
            }
            String to = body.getString("to");
            return s.handOver(to).onSuccess(answer -> {
                if ("ok".equals(answer)) {
                    sessions.remove(id, s);
                    Log.info(who(), "session " + id + " handed over to " + to + " (idle)");
                }
            });
        }
        return Future.succeededFuture("unknown op");
    }

    // ------------------------------------------------------------------ drain

    /**
     * Graceful drain (SIGTERM): stop accepting clients, drop the transports we only forward,
     * let idle sessions move away, serve sessions with open connections until they close or
     * {@code grace} ends, then close what remains and write every record.
     */
    public Future<Void> drain() {
        draining = true;
        Log.info(who(), "draining: " + sessions.size() + " sessions, " + hops.size() + " forwarded transports");
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        for (ClientTransport hop : hops.toArray(ClientTransport[]::new)) {
            hop.close("node draining; reconnect elsewhere");
        }
        for (RelaySession s : sessions.values()) {
            s.drain();
        }
        Promise<Void> done = Promise.promise();
        long started = now();
        long deadline = started + options.drainGrace().toMillis();
        // Idle sessions leave with their clients, which come back through another node and ask
        // for a handover; give them a few seconds to, then their records are left for takeover.
        long idleWait = started + Math.min(options.drainGrace().toMillis(), 5_000);
        vertx.setPeriodic(50, timer -> {
            sessions.values().removeIf(RelaySession::ended);
            boolean busy = sessions.values().stream().anyMatch(s -> s.upstreamCount() > 0);
            if (sessions.isEmpty() || (!busy && now() >= idleWait) || now() >= deadline) {
                vertx.cancelTimer(timer);
                for (RelaySession s : sessions.values()) {
                    s.abortConnections();
                }
                Future.join(sessions.values().stream().map(RelaySession::flushRecord).toList())
                        .onComplete(x -> {
                            Log.info(who(), "drained");
                            done.complete();
                        });
            }
        });
        return closed.compose(v -> done.future());
    }

    boolean draining() {
        return draining;
    }

    void sessionEnded(RelaySession s, long epoch) {
        sessions.remove(s.clientId, s);
        store.remove(s.clientId, epoch);
    }

    long now() {
        return System.currentTimeMillis();
    }

    Vertx vertx() {
        return vertx;
    }

    RelayOptions options() {
        return options;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    SessionStore store() {
        return store;
    }

    UpstreamDialer dialer() {
        return dialer;
    }

    /** The port the client listener got (useful when asked for port 0). */
    public int port() {
        return actualPort;
    }

    public int peerPort() {
        return actualPeerPort;
    }
}
