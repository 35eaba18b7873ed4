package io.reconnector.relay;

import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import com.hazelcast.core.HazelcastInstance;
import io.reconnector.store.HazelcastSessionStore;
import io.reconnector.store.InMemorySessionStore;
import io.reconnector.store.SessionKey;
import io.reconnector.store.SessionStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A node's relay verticles, one per event loop ({@code --event-loops}): each is a shard that
 * serves the sessions it started or took over, with their transports and upstream sockets on
 * its loop. They share the client and peer ports (Vert.x hands each accepted connection to the
 * next shard in turn), so a returning client's transport may land on a shard that does not
 * serve its session: that shard bridges it to the one that does ({@link LoopBridge}).
 * <p>
 * What a node counts or decides once lives here, safe to read from any loop: which shard serves
 * each session, which sessions a shard is routing from the store ({@link Arrivals}), the
 * transports per address still in their handshake, the replay guard, the metrics, the
 * cluster's size, and the drain.
 */
final class RelayShards {
    /** Keys of Vert.x's shared random ports, unique in the process (several nodes may run in one, in tests). */
    private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger();

    private final int size;
    private final int clientPortKey = -RANDOM_PORT_KEYS.incrementAndGet();
    private final int peerPortKey = -RANDOM_PORT_KEYS.incrementAndGet();
    /** One log for the node, so a rate-limited line is limited across every shard. */
    private final EventLog log;
    private final Function<Context, SessionStore> stores;
    private final Function<Context, Directory> directories;
    private final List<Relay> shards = new CopyOnWriteArrayList<>();
    /** Every session served on this node, whichever shard serves it. */
    private final ConcurrentMap<SessionKey, RelaySession> sessions = new ConcurrentHashMap<>();
    /** Transports per source address that have not finished their handshake, on every shard. */
    private final ConcurrentMap<String, Integer> handshaking = new ConcurrentHashMap<>();
    private final ReplayGuard replays = new ReplayGuard();
    private final Arrivals arrivals = new Arrivals();
    private final AtomicInteger listening = new AtomicInteger();
    private volatile RelayMetrics metrics = new RelayMetrics();
    private volatile Set<Integer> clusterPorts = Set.of();
    /** The cluster's size as last heard; more than one until told, so nothing skips a record by mistake. */
    private volatile int clusterMembers = 2;
    private volatile boolean drainRequested;
    private Future<Void> drain;

    /**
     * @param stores      the session store each shard uses, made on its own context (a store's
     *                    answers arrive on the context it was made with)
     * @param directories the directory of nodes, likewise
     */
    RelayShards(int size, RelayOptions options, Function<Context, SessionStore> stores, Function<Context, Directory> directories) {
        if (size < 1) {
            throw new IllegalArgumentException("a node needs at least one event loop, not " + size);
        }
        this.size = size;
        this.log = new EventLog("relay", "relay " + options.nodeName(), "node", options.nodeName());
        this.stores = stores;
        this.directories = directories;
    }

    EventLog log() {
        return log;
    }

    /** A node's shards, to be started in order (the first binds the ports the others join). */
    static List<Relay> forNode(RelayOptions options, HazelcastInstance hazelcast, int eventLoops) {
        RelayShards group;
        if (hazelcast != null) {
            group = new RelayShards(eventLoops, options,
                    context -> new HazelcastSessionStore(hazelcast, context, options.cluster().keys()),
                    context -> new Directory.Hazelcast(hazelcast, context));
        } else {
            // Without a cluster the store answers at once, on the caller's loop: one for all shards.
            SessionStore store = new InMemorySessionStore();
            Directory directory = new Directory.Local();
            group = new RelayShards(eventLoops, options, context -> store, context -> directory);
        }
        List<Relay> all = new ArrayList<>();
        for (int i = 0; i < eventLoops; i++) {
            all.add(new Relay(options, group));
        }
        return all;
    }

    int size() {
        return size;
    }

    /** The shard that binds the ports, reads the TLS files and answers other nodes' requests. */
    Relay first() {
        return shards.get(0);
    }

    List<Relay> all() {
        return shards;
    }

    void joined(Relay shard) {
        if (shards.size() >= size) {
            throw new IllegalStateException("this node already has its " + size + " shards");
        }
        shards.add(shard);
    }

    boolean isFirst(Relay shard) {
        return shards.get(0) == shard;
    }

    SessionStore storeFor(Context context) {
        return stores.apply(context);
    }

    Directory directoryFor(Context context) {
        return directories.apply(context);
    }

    /**
     * The port every shard listens on for {@code asked}: the port itself, or, for any free port
     * (0) on more than one loop, a negative key: Vert.x binds a server on port 0 once per key and
     * shares it between the loops that listen on it (a plain 0 would bind each loop its own port).
     */
    int listenPort(int asked, boolean clientPort) {
        if (asked != 0 || size == 1) {
            return asked;
        }
        return clientPort ? clientPortKey : peerPortKey;
    }

    /** A shard listens; true for the last one, which says the node is listening. */
    boolean listeningNow() {
        return listening.incrementAndGet() == size;
    }

    boolean listening() {
        return listening.get() == size;
    }

    // ------------------------------------------------------------------ sessions, on any shard

    RelaySession session(SessionKey key) {
        return sessions.get(key);
    }

    int sessionCount() {
        return sessions.size();
    }

    /** Sessions without an identity started from {@code address}, other than {@code clientId}'s. */
    int anonymousSessionsFrom(String address, long clientId) {
        return (int) sessions.values().stream().filter(s -> s.key.identity().isEmpty()
                && s.key.clientId() != clientId && address.equals(s.startedFrom)).count();
    }

    /**
     * {@code s} is to be served by its shard, unless a session of the same key with a newer
     * epoch already is: two Start Sessions (or a Start and a takeover) racing on two loops
     * finish in any order, and the store's epoch says which won. Returns whether {@code s} is
     * served; the session it displaced on another shard ends there (on its own shard, the
     * caller ends it).
     */
    boolean served(RelaySession s) {
        RelaySession[] displaced = new RelaySession[1];
        RelaySession now = sessions.compute(s.key, (key, old) -> {
            if (old != null && old != s && old.homeEpoch > s.homeEpoch) {
                return old;
            }
            displaced[0] = old == s ? null : old;
            return s;
        });
        RelaySession other = displaced[0];
        if (other != null && other.relay != s.relay) {
            other.relay.onLoop(() -> {
                other.relay.forget(other);
                other.end(RelaySession.EndReason.REPLACED);
            });
        }
        return now == s;
    }

    void forget(RelaySession s) {
        sessions.remove(s.key, s);
    }

    // ------------------------------------------------------------------ what every shard shares

    int handshakingFrom(String address) {
        return handshaking.getOrDefault(address, 0);
    }

    void handshakeStarted(String address) {
        handshaking.merge(address, 1, Integer::sum);
    }

    void handshakeEnded(String address) {
        handshaking.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    ReplayGuard replays() {
        return replays;
    }

    Arrivals arrivals() {
        return arrivals;
    }

    RelayMetrics metrics() {
        return metrics;
    }

    void meterInto(io.micrometer.core.instrument.MeterRegistry registry) {
        metrics = new RelayMetrics(registry);
    }

    Set<Integer> clusterPorts() {
        return clusterPorts;
    }

    void clusterPorts(Set<Integer> ports) {
        clusterPorts = Set.copyOf(ports);
    }

    void clusterMembers(int n) {
        clusterMembers = n;
    }

    boolean alone() {
        return clusterMembers <= 1;
    }

    // ------------------------------------------------------------------ other nodes' requests

    /** Another node's requests, each carried out by the shard that serves the session. */
    ClusterControl.Handler controlRequests() {
        return new ClusterControl.Handler() {
            @Override
            public void kill(ClusterControl.Request r) {
                RelaySession s = sessions.get(r.key());
                if (s != null) {
                    s.relay.onLoop(() -> s.relay.kill(r));
                }
            }

            @Override
            public Future<ClusterControl.HandoverAnswer> handover(ClusterControl.Request r) {
                RelaySession s = sessions.get(r.key());
                if (s == null) {
                    return Future.succeededFuture(ClusterControl.HandoverAnswer.UNKNOWN);
                }
                Promise<ClusterControl.HandoverAnswer> answer = Promise.promise();
                s.relay.onLoop(() -> s.relay.handover(r).onComplete(answer));
                return answer.future();
            }
        };
    }

    // ------------------------------------------------------------------ drain

    boolean drainRequested() {
        return drainRequested;
    }

    void requestDrain() {
        drainRequested = true;
    }

    /**
     * Every shard drains on its own loop (see {@link NodeDrain}); the node says once that it is
     * draining and once that it drained, failing if any record could not be written.
     */
    synchronized Future<Void> drain() {
        if (drain != null) {
            return drain;
        }
        drainRequested = true;
        log.info(Event.RELAY_DRAINING, "draining: " + sessions.size() + " sessions on " + size + " event loops");
        List<Future<NodeDrain.Outcome>> shardsDrained = shards.stream().map(shard -> {
            Promise<NodeDrain.Outcome> drained = Promise.promise();
            shard.onLoop(() -> shard.drainShard().onComplete(drained));
            return drained.future();
        }).toList();
        drain = Future.all(shardsDrained).compose(all -> closeClientPorts().transform(closed -> {
            int written = shardsDrained.stream().mapToInt(f -> f.result().written()).sum();
            int failed = shardsDrained.stream().mapToInt(f -> f.result().failed()).sum();
            if (failed > 0) {
                log.warn(Event.RELAY_DRAINED, "drained, but " + failed + " of " + (written + failed)
                        + " session records could not be written; those sessions resume from older records",
                        "records_failed", failed);
                return Future.failedFuture(failed + " session records could not be written");
            }
            log.info(Event.RELAY_DRAINED, "drained", "records_written", written);
            return Future.<Void>succeededFuture();
        }));
        return drain;
    }

    /**
     * Every shard's client port closes, each on its loop, once every shard has drained: closing
     * one closes the transports it accepted, and some may be bridged to another shard's session.
     */
    private Future<Void> closeClientPorts() {
        return Future.join(shards.stream().map(shard -> {
            Promise<Void> closed = Promise.promise();
            shard.onLoop(() -> shard.clientPort().close().onComplete(closed));
            return closed.future();
        }).toList()).mapEmpty();
    }
}
