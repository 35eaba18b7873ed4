package io.reconnector.relay;

import io.reconnector.edge.EffectRunner;
import io.reconnector.edge.Errnos;
import io.reconnector.edge.Log;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.engine.ServerSessionEngine;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.SequencedFrame;
import io.reconnector.store.ConnectionRecord;
import io.reconnector.store.SessionRecord;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One session on its home node: the server engine, the upstream sockets it owns, and the
 * client transport attached right now (if any). Carries out the engine's effects in the
 * order the engine produced them, even when carrying one out causes more.
 */
final class RelaySession {
    private final Relay relay;
    final long clientId;
    private final ServerSessionEngine engine;
    private SessionRecord record;
    private ClientTransport transport;
    private final Map<Integer, Upstream> upstreams = new HashMap<>();
    private final Map<Integer, ConnectionRecord> table = new LinkedHashMap<>();
    private final EffectRunner effects = new EffectRunner(this::apply, frames -> {
        if (transport != null) {
            transport.write(frames);
        }
    });
    private long expiryTimer = -1;
    private long detachedAt;
    private boolean ended;
    private boolean recordDirty;
    private long lastRecordWrite;
    private boolean recordWriteInFlight;
    private long attachStartedAt;
    /** Handed to another node (or being handed): attach nothing more. */
    private boolean released;
    private boolean draining;

    RelaySession(Relay relay, SessionRecord record, ServerSessionEngine engine) {
        this.relay = relay;
        this.clientId = record.clientId();
        this.record = record;
        this.engine = engine;
    }

    long epoch() {
        return record.epoch();
    }

    private String who() {
        return "relay " + relay.options().nodeName() + " session " + clientId;
    }

    // ------------------------------------------------------------------ transports

    /** A transport's handshake chose this session: it becomes the attached transport. */
    void attach(ClientTransport t, ResumeHandshake h) {
        if (released) {
            t.close("session moved to another node; reconnect");
            return;
        }
        // A draining node still takes its sessions' clients back while they have open
        // connections (those can live nowhere else); once idle, the drain lets them go.
        if (ended) {
            t.reject(clientId);
            return;
        }
        if (transport != null && transport != t) {
            ClientTransport old = transport;
            transport = null;
            run(engine.transportLost());
            old.close("a newer transport took the session over");
        }
        cancelExpiry();
        transport = t;
        attachStartedAt = System.nanoTime();
        long now = relay.now();
        run(h.resume() ? engine.resume(h.clientLastAcked(), now) : engine.start(now));
        record = record.withAttached(true, now);
        recordDirty = true;
    }

    void receive(ClientTransport t, Frame f) {
        if (t == transport) {
            run(engine.receive(f));
        }
    }

    void readBatchEnded(ClientTransport t) {
        if (t == transport) {
            run(engine.flush());
        }
    }

    /** The transport closed or failed; a clean FIN with no connection open ends the session. */
    void transportGone(ClientTransport t, boolean cleanFinish) {
        if (t != transport) {
            return;
        }
        transport = null;
        run(engine.transportLost());
        if (cleanFinish && engine.idle()) {
            Log.info(who(), "ended by the client (clean close, no connection open)");
            end("ended by the client");
            return;
        }
        detachedAt = relay.now();
        record = record.withAttached(false, detachedAt);
        recordDirty = true;
        writeRecordSoon();
        expiryTimer = relay.vertx().setTimer(relay.options().sessionTtl().toMillis(), id -> {
            expiryTimer = -1;
            if (transport == null && !ended) {
                relay.metrics().sessionsExpired.incrementAndGet();
                Log.info(who(), "expired after " + relay.options().sessionTtl().toSeconds() + " s detached; closing "
                        + upstreams.size() + " upstream connections");
                end("expired");
            }
        });
    }

    private void cancelExpiry() {
        if (expiryTimer >= 0) {
            relay.vertx().cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
    }

    /** Kills the session: upstream sockets closed, buffers dropped, record removed. */
    void end(String why) {
        if (ended) {
            return;
        }
        ended = true;
        closeLocal(false, "session " + why);
        relay.sessionEnded(this, record.epoch());
    }

    /** Closes what lives on this node (upstream sockets, the attached transport); the record is untouched. */
    private void closeLocal(boolean reset, String why) {
        cancelExpiry();
        for (Upstream u : new ArrayList<>(upstreams.values())) {
            u.detach();
            if (reset) {
                u.pipe.reset();
            } else {
                u.pipe.close();
            }
        }
        upstreams.clear();
        if (transport != null) {
            ClientTransport t = transport; // cleared first, so its close is not taken for a detach
            transport = null;
            t.close(why);
        }
    }

    boolean ended() {
        return ended || released;
    }

    /**
     * Hands this session to {@code node} if it is idle: the exact record goes to the store with
     * a new epoch and the new home, and this node lets go without closing anything.
     */
    Future<String> handOver(String node) {
        if (ended || released) {
            return Future.succeededFuture("unknown");
        }
        if (!engine.idle()) {
            return Future.succeededFuture("busy");
        }
        released = true;
        if (transport != null) {
            ClientTransport t = transport;
            transport = null;
            run(engine.transportLost());
            t.close("session moving to " + node);
        }
        cancelExpiry();
        SessionRecord exact = snapshot();
        SessionRecord moved = exact.withEpoch(exact.epoch() + 1, node).withAttached(false, relay.now());
        return relay.store().replace(exact.epoch(), moved).map(ok -> {
            if (!ok) {
                released = false;
                return "busy";
            }
            return "ok";
        });
    }

    /** The node is draining: idle sessions let their client go elsewhere now, busy ones when idle. */
    void drain() {
        draining = true;
        closeIfIdleWhileDraining();
    }

    private void closeIfIdleWhileDraining() {
        if (draining && transport != null && engine.idle() && !ended && !released) {
            ClientTransport t = transport;
            writeRecordNow().onComplete(x -> t.close("node draining; the session moves with the client"));
        }
    }

    /** The drain's grace is over: every connection still open ends with Connection Closed. */
    void abortConnections() {
        for (Upstream u : new ArrayList<>(upstreams.values())) {
            u.detach();
            upstreams.remove(u.id);
            table.remove(u.id);
            u.pipe.reset();
            run(engine.localClosed(u.id));
        }
    }

    /** This node is leaving: close what is local, keep the record for whoever takes over. */
    void leave() {
        if (ended || released) {
            return;
        }
        released = true;
        closeLocal(true, "relay stopping");
    }

    /** Writes the record now (for a drain's last word). */
    Future<Boolean> flushRecord() {
        return ended || released ? Future.succeededFuture(true) : writeRecordNow();
    }

    void tick(long now) {
        if (!ended) {
            run(engine.tick(now));
            if (recordDirty) {
                writeRecordSoon();
            }
        }
    }

    int upstreamCount() {
        return upstreams.size();
    }

    // ------------------------------------------------------------------ effects

    private void run(List<Effect> produced) {
        effects.run(produced);
        if (draining) {
            closeIfIdleWhileDraining();
        }
    }

    private void apply(Effect e) {
        if (e instanceof Effect.Send s) {
            if (s.frame() instanceof SequencedFrame) {
                recordDirty = true; // the runner writes it; the record must learn of it
            }
        } else if (e instanceof Effect.Deliver d) {
            Upstream u = upstreams.get(d.connectionId());
            if (u != null) {
                int n = d.data().length();
                u.pipe.write(d.data()).onSuccess(v -> {
                    if (!ended && upstreams.get(d.connectionId()) == u) {
                        run(engine.consumed(d.connectionId(), n));
                    }
                });
            }
        } else if (e instanceof Effect.DeliverEof eof) {
            Upstream u = upstreams.get(eof.connectionId());
            if (u != null) {
                u.pipe.shutdownOutput();
            }
        } else if (e instanceof Effect.CloseConnection c) {
            Upstream u = upstreams.remove(c.connectionId());
            table.remove(c.connectionId());
            recordDirty = true;
            if (!c.graceful()) {
                Log.info(who(), "connection " + c.connectionId() + " aborted: " + c.reason());
            }
            if (u != null) {
                u.detach();
                if (c.graceful()) {
                    u.pipe.close();
                } else {
                    u.pipe.reset();
                }
            }
        } else if (e instanceof Effect.PauseReading p) {
            Upstream u = upstreams.get(p.connectionId());
            if (u != null) {
                u.pipe.pause();
            }
        } else if (e instanceof Effect.ResumeReading r) {
            Upstream u = upstreams.get(r.connectionId());
            if (u != null) {
                u.pipe.resume();
            }
        } else if (e instanceof Effect.OpenUpstream o) {
            open(o);
        } else if (e instanceof Effect.Established est) {
            double ms = (System.nanoTime() - attachStartedAt) / 1e6;
            if (est.resumed()) {
                relay.metrics().sessionsResumed.incrementAndGet();
                Log.info(who(), String.format("resumed: %d messages replayed, %d connections open, %.1f ms",
                        est.retransmitted(), upstreams.size(), ms));
            } else {
                relay.metrics().sessionsStarted.incrementAndGet();
                Log.info(who(), "started");
            }
        } else if (e instanceof Effect.TransportDead dead) {
            if (transport != null) {
                transport.close("nothing received for " + dead.silentMillis() + " ms");
            }
        } else if (e instanceof Effect.ProtocolError pe) {
            relay.metrics().protocolErrors.incrementAndGet();
            if (transport != null) {
                transport.close("protocol error: " + pe.error().getMessage());
            }
        }
        // AbandonDial is handled where the dial completes; ConnectResult and Rejected are client-side.
    }

    private void open(Effect.OpenUpstream o) {
        int id = o.connectionId();
        String refusal = relay.options().policy().refusal(o.address(), o.port());
        if (refusal != null) {
            relay.metrics().connectionsDenied.incrementAndGet();
            Log.info(who(), "connection " + id + " to " + o.address() + ":" + o.port() + " refused: " + refusal);
            run(engine.upstreamFailed(id, o.token(), ConnectFailed.EACCES));
            return;
        }
        ConnectionRecord rec = new ConnectionRecord(id, o.address().toString(), o.port(),
                relay.options().nodeName(), ConnectionRecord.State.DIALLING);
        table.put(id, rec);
        // Recorded before dialling, so a node that takes this session over never dials it twice.
        long asked = System.nanoTime();
        writeRecordNow().onComplete(stored -> {
            long recorded = System.nanoTime();
            relay.dialer().dial(o.address(), o.port()).onComplete(ar -> {
                Log.debug(who(), String.format("connection %d: recorded in %.2f ms, dialled in %.2f ms", id,
                        (recorded - asked) / 1e6, (System.nanoTime() - recorded) / 1e6));
                dialled(o, rec, ar);
            });
        });
    }

    private void dialled(Effect.OpenUpstream o, ConnectionRecord rec, AsyncResult<NetSocket> ar) {
        int id = o.connectionId();
        if (ar.failed()) {
            table.remove(id);
            Log.debug(who(), "connection " + id + " to " + o.address() + ":" + o.port() + " failed: "
                    + ar.cause().getMessage());
            run(engine.upstreamFailed(id, o.token(), Errnos.of(ar.cause())));
            return;
        }
        NetSocket socket = ar.result();
        if (ended) {
            socket.close();
            return;
        }
        List<Effect> effects = engine.upstreamConnected(id, o.token());
        if (effects.stream().anyMatch(x -> x instanceof Effect.AbandonDial)) {
            socket.close();
            return;
        }
        relay.metrics().connectionsOpened.incrementAndGet();
        table.put(id, rec.withState(ConnectionRecord.State.OPEN));
        Upstream u = new Upstream(id, new SocketPipe(socket));
        upstreams.put(id, u);
        u.pipe.listen(u);
        run(effects);
    }

    /** One upstream socket, reporting to the engine while it still belongs to the session. */
    private final class Upstream implements SocketPipe.Listener {
        final int id;
        final SocketPipe pipe;
        private boolean detached;

        Upstream(int id, SocketPipe pipe) {
            this.id = id;
            this.pipe = pipe;
        }

        void detach() {
            detached = true;
        }

        private boolean current() {
            return !detached && !ended && upstreams.get(id) == this;
        }

        @Override
        public void onData(Buffer data) {
            if (current()) {
                run(engine.write(id, data));
            }
        }

        @Override
        public void onEof() {
            if (current()) {
                run(engine.localEof(id));
            }
        }

        @Override
        public void onClosed(Throwable cause) {
            if (current()) {
                upstreams.remove(id);
                table.remove(id);
                run(engine.localClosed(id));
            }
        }
    }

    // ------------------------------------------------------------------ the record

    private SessionRecord snapshot() {
        return record.withProgress(engine.lastHandled(), engine.nextMessageId(), new ArrayList<>(table.values()),
                RecordCodec.frames(engine.unackedFrames()));
    }

    /** Writes the record if it changed and the replication interval has passed. */
    private void writeRecordSoon() {
        long now = relay.now();
        if (recordDirty && !recordWriteInFlight && now - lastRecordWrite >= relay.options().replicationInterval().toMillis()) {
            writeRecordNow();
        }
    }

    private Future<Boolean> writeRecordNow() {
        if (ended || released) {
            return Future.succeededFuture(false);
        }
        record = snapshot();
        recordDirty = false;
        recordWriteInFlight = true;
        lastRecordWrite = relay.now();
        return relay.store().update(record).onComplete(ar -> {
            recordWriteInFlight = false;
            if (ar.succeeded() && !ar.result() && !ended && !released) {
                Log.info(who(), "fenced off: another owner holds a newer epoch; stopping");
                end("fenced off");
            }
        });
    }
}
