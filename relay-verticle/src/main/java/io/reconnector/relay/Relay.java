package io.reconnector.relay;

import com.hazelcast.core.HazelcastInstance;
import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.store.HazelcastSessionStore;
import io.reconnector.store.InMemorySessionStore;
import io.reconnector.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

import java.util.HashMap;
import java.util.Map;

/**
 * The relay verticle: accepts client transports, resolves each handshake to a session, and
 * owns the sessions homed on this node. Everything runs on the verticle's one event loop,
 * so sessions, their transports and their upstream sockets never race.
 */
public final class Relay extends VerticleBase {
    private final RelayOptions options;
    private final HazelcastInstance hazelcast;
    private final RelayMetrics metrics = new RelayMetrics();
    private final Map<Long, RelaySession> sessions = new HashMap<>();
    private SessionStore store;
    private UpstreamDialer dialer;
    private NetServer server;
    private int actualPort;

    /** @param hazelcast the member holding session records, or null for an in-process store */
    public Relay(RelayOptions options, HazelcastInstance hazelcast) {
        this.options = options;
        this.hazelcast = hazelcast;
    }

    @Override
    public Future<?> start() {
        store = hazelcast != null ? new HazelcastSessionStore(hazelcast, context) : new InMemorySessionStore();
        dialer = new UpstreamDialer(vertx, options.connectTimeout());
        long tickEvery = Math.max(20, Math.min(1000, options.keepalive().toMillis() / 4));
        vertx.setPeriodic(tickEvery, id -> {
            long now = now();
            for (RelaySession s : sessions.values().toArray(RelaySession[]::new)) {
                s.tick(now);
            }
        });
        server = vertx.createNetServer(new NetServerOptions().setTcpNoDelay(true).setReuseAddress(true));
        server.connectHandler(socket -> new ClientTransport(this, new SocketPipe(socket)));
        return server.listen(options.listen().port(), options.listen().host()).onSuccess(s -> {
            actualPort = s.actualPort();
            Log.info("relay " + options.nodeName(), "relay listening on " + options.listen().host() + ":" + actualPort);
        });
    }

    @Override
    public Future<?> stop() {
        for (RelaySession s : sessions.values().toArray(RelaySession[]::new)) {
            s.end("relay stopping");
        }
        return server == null ? Future.succeededFuture() : server.close();
    }

    /** Resolves a transport's first frame: a new session, a resumed one, or a rejection. */
    void handshake(ClientTransport t, ResumeHandshake h) {
        long id = h.clientId();
        if (!h.resume()) {
            store.start(id, options.nodeName(), now()).onComplete(ar -> {
                if (ar.failed()) {
                    t.close("session store unavailable: " + ar.cause().getMessage());
                    return;
                }
                RelaySession old = sessions.remove(id);
                if (old != null) {
                    Log.info("relay " + options.nodeName(), "session " + id + ": Start Session replaces the old session");
                    old.end("replaced by a new Start Session");
                }
                if (t.closed()) {
                    return;
                }
                RelaySession s = new RelaySession(this, ar.result().record());
                sessions.put(id, s);
                s.attach(t, h);
                t.attached(s);
            });
            return;
        }
        RelaySession s = sessions.get(id);
        if (s == null || s.ended()) {
            t.reject(id);
            return;
        }
        s.attach(t, h);
        t.attached(s);
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

    RelayMetrics metrics() {
        return metrics;
    }

    public RelayMetrics publicMetrics() {
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

    public int sessionCount() {
        return sessions.size();
    }
}
