package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.store.ClusterKeys;
import io.reconnector.store.SessionKey;
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
 * The relay verticle, one shard of a node per event loop ({@link RelayShards}): listens on the
 * client port and the peer port (shared with the other shards), holds the sessions this shard
 * serves, ticks them, and carries out other nodes' control requests for them. Handshakes are
 * routed by {@link HandshakeRouter}; a drain is run by {@link NodeDrain}. A shard's sessions,
 * their upstream sockets and the transports it accepted run on its one loop, so they never
 * race; a transport for another shard's session reaches it through a {@link LoopBridge}.
 */
public final class Relay extends VerticleBase {
    private final RelayOptions options;
    private final RelayShards shards;
    private final Map<SessionKey, RelaySession> sessions = new HashMap<>();
    private final Set<ClientTransport> hops = new LinkedHashSet<>();
    /** Every open client transport (not hops), so a revocation can reach the ones it names. */
    private final Set<ClientTransport> transports = new LinkedHashSet<>();
    private ClientPort clientPort;
    private DestinationResolver destinations;
    private final EventLog log;
    private final HandshakeRouter router = new HandshakeRouter(this);
    private RelayMetrics.Levels levels;
    private SessionStore store;
    private Directory directory;
    private ClusterControl control;
    private UpstreamDialer dialer;
    private NetClient peerClient;
    private NetServer peerServer;
    private int actualPort;
    private int actualPeerPort;
    private NodeDrain drain;

    /** One shard of a node: {@code shards} says which others there are and what they share. */
    Relay(RelayOptions options, RelayShards shards) {
        this.options = options;
        this.shards = shards;
        this.log = shards.log();
        shards.joined(this);
    }

    /** A node of one event loop whose shard shares a store and a directory with other nodes in one process (tests). */
    Relay(RelayOptions options, SessionStore store, Directory directory) {
        this(options, new RelayShards(1, options, context -> store, context -> directory));
    }

    /** A node of one event loop without a cluster (tests). */
    static Relay single(RelayOptions options) {
        return RelayShards.forNode(options, null, 1).get(0);
    }

    @Override
    public Future<?> start() {
        boolean first = shards.isFirst(this);
        store = shards.storeFor(context);
        directory = shards.directoryFor(context);
        control = new ClusterControl(vertx, options.nodeName(), keys().key(ClusterKeys.Purpose.CONTROL_MESSAGES),
                replays(), this::now, log);
        dialer = new UpstreamDialer(vertx, options.connectTimeout());
        peerClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(2000));
        levels = metrics().newLevels();
        vertx.setPeriodic(options.engineConfig().tickMillis(), id -> tick());
        peerServer = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        peerServer.connectHandler(socket -> new ClientTransport(this, new SocketPipe(socket), null));
        clientPort = new ClientPort(this);
        // Every shard listens on the same ports: Vert.x binds once and hands each accepted
        // connection to the next loop listening there.
        int peerPort = shards.listenPort(options.cluster().peerListen().port(), false);
        // A first store read sets up the map's partitions before clients wait on it.
        return (first ? store.get(SessionKey.anonymous(0)).<Void>mapEmpty().recover(t -> Future.succeededFuture())
                        : Future.<Void>succeededFuture())
                .compose(v -> clientPort.configure())
                .compose(v -> first ? control.serve(shards.controlRequests()) : Future.succeededFuture())
                .compose(v -> peerServer.listen(peerPort, options.cluster().peerListen().host()))
                .compose(p -> {
                    actualPeerPort = p.actualPort();
                    String peerHost = options.cluster().peerListen().host();
                    String host = peerHost.equals("0.0.0.0") ? options.cluster().host() : peerHost;
                    return first ? directory.register(new NodeInfo(options.nodeName(), host, actualPeerPort,
                            directory.localMemberId())) : Future.<Void>succeededFuture();
                })
                .compose(v -> clientPort.listen(shards.listenPort(options.listen().port(), true),
                        list -> shards.all().forEach(shard -> shard.onLoop(() -> shard.revocationChanged(list)))))
                .onSuccess(port -> {
                    actualPort = port;
                    Set<Integer> own = new java.util.HashSet<>(shards.clusterPorts());
                    own.add(actualPort);
                    own.add(actualPeerPort);
                    destinations = DestinationResolver.forNode(vertx, options, own);
                    if (shards.listeningNow()) {
                        announce();
                    }
                });
    }

    /** The line operators' scripts wait for, once every shard listens. */
    private void announce() {
        log.info(Event.RELAY_LISTENING, "relay listening on " + options.listen().host() + ":" + actualPort
                + " (peer port " + actualPeerPort + ", " + shards.size() + (shards.size() == 1 ? " event loop" : " event loops")
                + (vertx.isNativeTransportEnabled() ? ", native transport" : "") + ", " + clientPort.describe() + ")",
                "port", actualPort, "peer_port", actualPeerPort, "tls", clientPort.tls(), "event_loops", shards.size());
        destinations.announce(log);
    }

    RelayShards shards() {
        return shards;
    }

    /**
     * Every shard listening on the client port and no drain asked for: what /readyz reports.
     * Read from the admin server's thread, so from the shards' shared, thread-safe state only.
     */
    public boolean serving() {
        return shards.listening() && !shards.drainRequested();
    }

    /** A drain is coming (SIGTERM): from this moment /readyz says 503, before the port closes. */
    void drainRequested() {
        shards.requestDrain();
    }

    /** No other node could take a session over from this one's records right now. */
    boolean alone() {
        return shards.alone();
    }

    /** From a New Connection's destination to the address to dial (names resolved, policy applied). */
    DestinationResolver destinations() {
        return destinations;
    }

    /** A limit refused something: counted, and logged (a flood of them as one line per ten seconds). */
    void refused(Limits.Limit limit, String what) {
        metrics().limitRefused(limit);
        log.infoLimited(Event.LIMIT_REFUSED, "refused " + what + " (limit " + limit.name().toLowerCase() + ")",
                "limit", limit.name());
    }

    /** Hazelcast's membership listener says how many nodes there are (written on its thread). */
    void clusterMembers(int n) {
        shards.clusterMembers(n);
    }

    ClientPort clientPort() {
        return clientPort;
    }

    /** Keepalives and dead links for every session, and the levels the metrics show. */
    private void tick() {
        long now = now();
        long attached = 0;
        long upstreamConnections = 0;
        long replayBytes = 0;
        for (RelaySession s : List.copyOf(sessions.values())) {
            s.tick(now);
            attached += s.attached() ? 1 : 0;
            upstreamConnections += s.upstreamCount();
            replayBytes += s.bufferedBytes();
        }
        levels.set(attached, sessions.size() - attached, upstreamConnections, replayBytes);
    }

    /** The revocation list changed: its identities' sessions end, and transports it names close. */
    private void revocationChanged(RevocationList revoked) {
        for (ClientTransport t : List.copyOf(transports)) {
            if (revoked.revokes(t.identity())) {
                if (t.session() instanceof LoopBridge bridge) {
                    bridge.endSession(RelaySession.EndReason.REVOKED); // on the loop that serves it
                } else if (t.session() instanceof RelaySession s) {
                    s.end(RelaySession.EndReason.REVOKED);
                }
                t.close(TransportClose.REVOKED, "identity " + t.identity().forLogs());
            }
        }
        for (RelaySession s : List.copyOf(sessions.values())) {
            if (revoked.revokesIdentity(s.key.identity())) {
                s.end(RelaySession.EndReason.REVOKED);
            }
        }
    }

    /**
     * Leaving: local sockets close, but the session records stay, so the sessions live on and
     * another node takes each over when its client comes back.
     */
    @Override
    public Future<?> stop() {
        for (RelaySession s : List.copyOf(sessions.values())) {
            forget(s);
            s.leave();
        }
        return clientPort == null ? Future.succeededFuture() : clientPort.close();
    }

    /** Another node's Start Session replaced a session served here: drop it. */
    void kill(ClusterControl.Request r) {
        RelaySession s = sessions.get(r.key());
        if (s != null && s.epoch() == r.epoch()) {
            forget(s);
            s.end(RelaySession.EndReason.KILLED);
        }
    }

    /** Another node asks for a session served here: an idle one moves there. */
    Future<ClusterControl.HandoverAnswer> handover(ClusterControl.Request r) {
        RelaySession s = sessions.get(r.key());
        if (s == null || !s.serving()) {
            return Future.succeededFuture(ClusterControl.HandoverAnswer.UNKNOWN);
        }
        return s.handOver(r.from()).onSuccess(answer -> {
            if (answer == ClusterControl.HandoverAnswer.MOVED) {
                forget(s);
                log.info(Event.SESSION_HANDED_OVER, "session " + r.key() + " handed over to " + r.from()
                        + " (idle)", "client_id", r.key().clientId(), "identity", r.key().identityForLogs(),
                        "to", r.from());
            }
        });
    }

    // ------------------------------------------------------------------ the session table

    RelaySession session(SessionKey key) {
        return sessions.get(key);
    }

    /**
     * Makes {@code s} the session for its client id here (ending any other) and attaches the
     * transport. The store already names this node as the session's home, so the session is
     * served here even when the transport closed while the store was asked: it waits detached
     * for its client, who comes back here or through another node (which then asks this one).
     */
    void adopt(ClientTransport t, ResumeHandshake h, RelaySession s) {
        if (!shards.served(s)) {
            // A newer Start Session or takeover of this key won on another loop meanwhile.
            s.end(RelaySession.EndReason.REPLACED);
            t.close(TransportClose.SESSION_ENDED, "a newer Start Session replaced it");
            return;
        }
        RelaySession old = sessions.put(s.key, s);
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
        sessions.remove(s.key, s);
        shards.forget(s);
    }

    void sessionEnded(RelaySession s, long epoch) {
        forget(s);
        store.remove(s.key, epoch).onFailure(e -> log.warn(Event.STORE_UNAVAILABLE, "session " + s.key
                + ": its record could not be removed (" + e.getMessage() + ")", "client_id", s.key.clientId()));
    }

    Collection<RelaySession> sessions() {
        return sessions.values();
    }

    void transportOpened(ClientTransport t) {
        transports.add(t);
    }

    void transportClosed(ClientTransport t) {
        transports.remove(t);
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
     * Graceful drain (SIGTERM) of the whole node, every shard on its own loop: stop accepting
     * clients, drop the transports we only forward, let idle sessions move away, serve sessions
     * with open connections until they close or the grace ends, then close what remains and
     * write every record. Fails if a record could not be written (those sessions are taken over
     * from older records).
     */
    public Future<Void> drain() {
        return shards.drain();
    }

    /** This shard's part of the drain, on its loop. */
    Future<NodeDrain.Outcome> drainShard() {
        if (drain == null) {
            drain = new NodeDrain(this);
        }
        if (clientPort != null) {
            clientPort.stopAccepting();
        }
        return drain.run();
    }

    boolean draining() {
        return drain != null;
    }

    /** Runs {@code r} on this verticle's event loop, from any thread. */
    void onLoop(Runnable r) {
        context.runOnContext(v -> r.run());
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
        return shards.metrics();
    }

    EventLog log() {
        return log;
    }

    ClusterKeys keys() {
        return options.cluster().keys();
    }

    ReplayGuard replays() {
        return shards.replays();
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
