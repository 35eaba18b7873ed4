package io.reconnector.relay;

import com.hazelcast.core.HazelcastInstance;
import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.store.HazelcastSessionStore;
import io.reconnector.store.InMemorySessionStore;
import io.reconnector.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The relay verticle: listens on the client port and the peer port, holds the sessions homed
 * on this node, ticks them, and answers other nodes' control requests. Handshakes are routed
 * by {@link HandshakeRouter}; a drain is run by {@link NodeDrain}. Everything runs on the
 * verticle's one event loop, so sessions, their transports and their upstream sockets never race.
 */
public final class Relay extends VerticleBase {
    private final RelayOptions options;
    private final HazelcastInstance hazelcast;
    private final RelayMetrics metrics = new RelayMetrics();
    private final Map<Long, RelaySession> sessions = new HashMap<>();
    private final Set<ClientTransport> hops = new LinkedHashSet<>();
    private final EventLog log;
    private final HandshakeRouter router = new HandshakeRouter(this);
    private SessionStore store;
    private Directory directory;
    private ClusterControl control;
    private UpstreamDialer dialer;
    private NetClient peerClient;
    private NetServer server;
    private NetServer peerServer;
    private int actualPort;
    private int actualPeerPort;
    private NodeDrain drain;

    /** @param hazelcast the member holding session records, or null for a node without a cluster */
    public Relay(RelayOptions options, HazelcastInstance hazelcast) {
        this(options, hazelcast, null, null);
    }

    /** Nodes that share a store and a directory in one process (tests of the cluster's paths). */
    Relay(RelayOptions options, SessionStore store, Directory directory) {
        this(options, null, store, directory);
    }

    private Relay(RelayOptions options, HazelcastInstance hazelcast, SessionStore store, Directory directory) {
        this.options = options;
        this.hazelcast = hazelcast;
        this.store = store;
        this.directory = directory;
        this.log = new EventLog("relay", "relay " + options.nodeName(), "node", options.nodeName());
    }

    @Override
    public Future<?> start() {
        if (store == null) {
            store = hazelcast != null ? new HazelcastSessionStore(hazelcast, context) : new InMemorySessionStore();
        }
        if (directory == null) {
            directory = hazelcast != null ? new Directory.Hazelcast(hazelcast, context) : new Directory.Local();
        }
        control = new ClusterControl(vertx, options.nodeName());
        dialer = new UpstreamDialer(vertx, options.connectTimeout());
        peerClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(2000));
        vertx.setPeriodic(options.engineConfig().tickMillis(), id -> {
            long now = now();
            for (RelaySession s : List.copyOf(sessions.values())) {
                s.tick(now);
            }
        });
        peerServer = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        peerServer.connectHandler(socket -> new ClientTransport(this, new SocketPipe(socket),
                ClientTransport.Origin.PEER_PORT));
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        server.connectHandler(socket -> new ClientTransport(this, new SocketPipe(socket),
                ClientTransport.Origin.CLIENT_PORT));
        // A first store read sets up the map's partitions before clients wait on it.
        return store.get(0).<Void>mapEmpty().recover(t -> Future.succeededFuture())
                .compose(v -> control.serve(new ControlRequests()))
                .compose(v -> peerServer.listen(options.peerListen().port(), options.peerListen().host()))
                .compose(p -> {
                    actualPeerPort = p.actualPort();
                    String host = options.peerListen().host().equals("0.0.0.0") ? options.clusterHost() : options.peerListen().host();
                    return directory.register(new NodeInfo(options.nodeName(), host, actualPeerPort, directory.localMemberId()));
                })
                .compose(v -> server.listen(options.listen().port(), options.listen().host()))
                .onSuccess(s -> {
                    actualPort = s.actualPort();
                    log.info(Event.RELAY_LISTENING, "relay listening on " + options.listen().host() + ":" + actualPort
                            + " (peer port " + actualPeerPort + (vertx.isNativeTransportEnabled() ? ", native transport" : "")
                            + ")", "port", actualPort, "peer_port", actualPeerPort);
                });
    }

    /**
     * Leaving: local sockets close, but the session records stay, so the sessions live on and
     * another node takes each over when its client comes back.
     */
    @Override
    public Future<?> stop() {
        for (RelaySession s : List.copyOf(sessions.values())) {
            s.leave();
        }
        sessions.clear();
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** Another node's requests: drop a session a Start Session replaced, or hand an idle one over. */
    private final class ControlRequests implements ClusterControl.Handler {
        @Override
        public void kill(ClusterControl.Request r) {
            RelaySession s = sessions.get(r.clientId());
            if (s != null && s.epoch() == r.epoch()) {
                forget(s);
                s.end(RelaySession.EndReason.KILLED);
            }
        }

        @Override
        public Future<ClusterControl.HandoverAnswer> handover(ClusterControl.Request r) {
            RelaySession s = sessions.get(r.clientId());
            if (s == null || !s.serving()) {
                return Future.succeededFuture(ClusterControl.HandoverAnswer.UNKNOWN);
            }
            return s.handOver(r.from()).onSuccess(answer -> {
                if (answer == ClusterControl.HandoverAnswer.MOVED) {
                    sessions.remove(r.clientId(), s);
                    log.info(Event.SESSION_HANDED_OVER, "session " + r.clientId() + " handed over to " + r.from()
                            + " (idle)", "client_id", r.clientId(), "to", r.from());
                }
            });
        }
    }

    // ------------------------------------------------------------------ the session table

    RelaySession session(long clientId) {
        return sessions.get(clientId);
    }

    /**
     * Makes {@code s} the session for its client id here (ending any other) and attaches the
     * transport. The store already names this node as the session's home, so the session is
     * served here even when the transport closed while the store was asked: it waits detached
     * for its client, who comes back here or through another node (which then asks this one).
     */
    void adopt(ClientTransport t, ResumeHandshake h, RelaySession s) {
        RelaySession old = sessions.put(h.clientId(), s);
        if (old != null && old != s) {
            old.end(RelaySession.EndReason.REPLACED);
        }
        if (t.closed()) {
            s.adoptedDetached();
        } else {
            s.attach(t, h);
        }
    }

    /** Takes {@code s} out of the table (it is about to end or has been let go). */
    void forget(RelaySession s) {
        sessions.remove(s.clientId, s);
    }

    void sessionEnded(RelaySession s, long epoch) {
        sessions.remove(s.clientId, s);
        store.remove(s.clientId, epoch).onFailure(e -> log.warn(Event.STORE_UNAVAILABLE, "session " + s.clientId
                + ": its record could not be removed (" + e.getMessage() + "); it expires with the session TTL",
                "client_id", s.clientId));
    }

    Collection<RelaySession> sessions() {
        return sessions.values();
    }

    void hopStarted(ClientTransport t) {
        hops.add(t);
    }

    void hopEnded(ClientTransport t) {
        hops.remove(t);
    }

    Set<ClientTransport> hops() {
        return hops;
    }

    // ------------------------------------------------------------------ drain

    /**
     * Graceful drain (SIGTERM): stop accepting clients, drop the transports we only forward,
     * let idle sessions move away, serve sessions with open connections until they close or
     * the grace ends, then close what remains and write every record. Fails if a record could
     * not be written (those sessions are taken over from older records).
     */
    public Future<Void> drain() {
        if (drain == null) {
            drain = new NodeDrain(this);
        }
        return drain.run(server == null ? Future.succeededFuture() : server.close());
    }

    boolean draining() {
        return drain != null;
    }

    // ------------------------------------------------------------------ what the parts share

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

    EventLog log() {
        return log;
    }

    SessionStore store() {
        return store;
    }

    Directory directory() {
        return directory;
    }

    ClusterControl control() {
        return control;
    }

    UpstreamDialer dialer() {
        return dialer;
    }

    NetClient peerClient() {
        return peerClient;
    }

    HandshakeRouter router() {
        return router;
    }

    /** The port the client listener got (useful when asked for port 0). */
    public int port() {
        return actualPort;
    }

    public int peerPort() {
        return actualPeerPort;
    }
}
