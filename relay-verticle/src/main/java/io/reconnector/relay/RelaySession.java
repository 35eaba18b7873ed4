package io.reconnector.relay;

import io.reconnector.edge.DelayedAck;
import io.reconnector.edge.EffectApplier;
import io.reconnector.edge.Event;
import io.reconnector.edge.EventLog;
import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.engine.ResumeHandshake;
import io.reconnector.protocol.engine.ServerSessionEngine;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.store.SessionKey;
import io.reconnector.store.SessionRecord;
import io.vertx.core.Future;

import java.util.List;

/**
 * One session on its home node, through its life: transports attach and detach, a detached
 * session expires, Start Session or another node's takeover ends it, a drain or a handover
 * lets it go. The engine's effects are carried out by {@link RelaySessionEffects}, the upstream
 * sockets live in an {@link UpstreamTable}, and the record in the cluster is kept in step by a
 * {@link RecordReplicator}.
 */
final class RelaySession implements AttachedSession {
    /** Where the session is in its life on this node. */
    enum State {
        /** Served here: engine, sockets and record. */
        HOME,
        /** Let go without ending (handed to another node, or this node is leaving): the record lives on. */
        RELEASED,
        /** Over for good: sockets closed, record removed. */
        ENDED
    }

    /** Why a session ended here. */
    enum EndReason {
        CLIENT_ENDED("ended by the client (clean close, no connection open)", true),
        EXPIRED("expired while detached", true),
        REPLACED("replaced by a new Start Session", false),
        KILLED("replaced by a Start Session on another node", false),
        FENCED("fenced off: another node holds a newer epoch", false),
        REVOKED("its identity or certificate was revoked", true);

        final String description;
        /**
         * Whether the session's record goes with it. Not when another copy replaced or fenced
         * it: the store holds that copy's record, and a removal fenced by our epoch could only
         * miss it, or, were the epochs equal, delete the record of a live session.
         */
        final boolean removesRecord;

        EndReason(String description, boolean removesRecord) {
            this.description = description;
            this.removesRecord = removesRecord;
        }
    }

    final SessionKey key;
    /** The record's epoch when this node took the session on; it never changes while served here. */
    final long homeEpoch;
    final Relay relay;
    final ServerSessionEngine engine;
    final EventLog log;
    final UpstreamTable upstreams;
    final RecordReplicator replicator;
    private final EffectApplier effects;
    private final DelayedAck delayedAck;
    private SessionRecord record;
    private SessionTransport transport;
    private State state = State.HOME;
    private boolean draining;
    private long expiryTimer = -1;
    /** When the latest attach began (System.nanoTime), to report how long a resume took. */
    long attachStartedAt;

    RelaySession(Relay relay, SessionRecord record, ServerSessionEngine engine) {
        this.relay = relay;
        this.key = record.key();
        this.homeEpoch = record.epoch();
        this.record = record;
        this.engine = engine;
        this.log = relay.log().with("session " + (key.identity().isEmpty() ? "" : key.identity() + "/") + key.clientId(),
                "client_id", key.clientId(), "identity", key.identityForLogs());
        RelaySessionEffects side = new RelaySessionEffects(this);
        this.upstreams = new UpstreamTable(side);
        this.effects = new EffectApplier(engine, side);
        this.delayedAck = new DelayedAck(relay.vertx(), engine, () -> {
            if (transport != null && state == State.HOME) {
                run(engine.flush());
            }
        });
        this.replicator = new RecordReplicator(relay.vertx(), relay.store(),
                relay.options().cluster().replicationInterval().toMillis(), relay::now, side);
    }

    long epoch() {
        return record.epoch();
    }

    boolean serving() {
        return state == State.HOME;
    }

    SessionTransport transport() {
        return transport;
    }

    // ------------------------------------------------------------------ transports

    /** The client's source address when the session started (limits count anonymous clients by it). */
    String startedFrom;

    /** A transport's handshake chose this session: it becomes the attached transport. */
    void attach(SessionTransport t, ResumeHandshake h) {
        if (state == State.RELEASED) {
            t.close(TransportClose.SESSION_MOVED, "");
            return;
        }
        if (state == State.ENDED) {
            t.reject(key.clientId());
            return;
        }
        // A draining node still takes its sessions' clients back while they have open
        // connections (those can live nowhere else); once idle, the drain lets them go.
        if (transport != null && transport != t) {
            SessionTransport old = transport;
            transport = null;
            run(engine.transportLost());
            old.close(TransportClose.NEWER_TRANSPORT, "");
        }
        cancelExpiry();
        transport = t;
        long now = relay.now();
        attachStartedAt = System.nanoTime();
        record = record.withAttached(true, now);
        replicator.changed();
        run(h.resume() ? engine.resume(h.clientLastAcked(), now) : engine.start(now));
        t.attached(this);
    }

    @Override
    public void receive(SessionTransport t, Frame f) {
        if (t == transport) {
            run(engine.receive(f));
        }
    }

    /** The attached transport's write queue filled up or drained: framing pauses or goes on. */
    @Override
    public void congested(SessionTransport t, boolean congested) {
        if (t == transport && state == State.HOME) {
            run(engine.transportCongested(congested));
        }
    }

    @Override
    public void readBatchEnded(SessionTransport t) {
        if (t == transport) {
            delayedAck.readBatchEnded();
        }
    }

    /** The transport closed or failed; a clean FIN with no connection open ends the session. */
    @Override
    public void transportGone(SessionTransport t, boolean cleanFinish) {
        if (t != transport) {
            return;
        }
        transport = null;
        run(engine.transportLost());
        if (state != State.HOME) {
            return;
        }
        if (cleanFinish && engine.idle()) {
            end(EndReason.CLIENT_ENDED);
            return;
        }
        detached();
    }

    /** Taken on without a transport (the one that asked for it closed meanwhile). */
    void adoptedDetached() {
        detached();
    }

    /** No transport any more: the record says so, and the session expires unless one comes back. */
    private void detached() {
        record = record.withAttached(false, relay.now());
        replicator.changed();
        replicator.tick();
        long ttl = relay.options().sessionTtl().toMillis();
        expiryTimer = relay.vertx().setTimer(ttl, id -> {
            expiryTimer = -1;
            if (transport == null && state == State.HOME) {
                relay.metrics().sessionExpired();
                end(EndReason.EXPIRED);
            }
        });
    }

    private void cancelExpiry() {
        if (expiryTimer >= 0) {
            relay.vertx().cancelTimer(expiryTimer);
            expiryTimer = -1;
        }
    }

    /** Who is behind this session, for logs counted per client: its identity, or the address it started from. */
    String source() {
        return !key.identity().isEmpty() ? key.identity() : startedFrom != null ? startedFrom : "an earlier node";
    }

    // ------------------------------------------------------------------ endings

    /** Kills the session: upstream sockets closed, buffers dropped, record removed. */
    void end(EndReason why) {
        if (state != State.HOME) {
            return;
        }
        state = State.ENDED;
        log.infoLimitedPer(source(), Event.SESSION_ENDED, why.description + "; closing " + upstreams.size()
                + " upstream connections", "reason", why.name());
        closeLocal(false, TransportClose.SESSION_ENDED);
        if (why.removesRecord) {
            relay.sessionEnded(this, record.epoch());
        } else {
            relay.forget(this);
        }
    }

    /** This node is leaving: close what is local, keep the record for whoever takes over. */
    void leave() {
        if (state != State.HOME) {
            return;
        }
        state = State.RELEASED;
        closeLocal(true, TransportClose.RELAY_STOPPING);
    }

    /**
     * Closes what lives on this node (upstream sockets, the attached transport, the engine's
     * buffers of the destinations' reads); the record is untouched.
     */
    private void closeLocal(boolean reset, TransportClose why) {
        cancelExpiry();
        replicator.stop();
        for (UpstreamTable.Upstream u : upstreams.removeAll()) {
            if (u.pipe() != null) {
                if (reset) {
                    u.pipe().reset();
                } else {
                    u.pipe().close();
                }
            }
        }
        if (transport != null) {
            SessionTransport t = transport; // cleared first, so its close is not taken for a detach
            transport = null;
            t.close(why, "");
        }
        engine.dispose();
    }

    /**
     * Hands this session to {@code node} if it is idle: the exact record goes to the store with
     * a new epoch and the new home, and this node lets go without closing anything.
     */
    Future<ClusterControl.HandoverAnswer> handOver(String node) {
        if (state != State.HOME) {
            return Future.succeededFuture(ClusterControl.HandoverAnswer.UNKNOWN);
        }
        if (!engine.idle()) {
            return Future.succeededFuture(ClusterControl.HandoverAnswer.BUSY);
        }
        // The client came back through another node: a transport still attached here is a
        // half-open leftover. Closed first, so nothing changes the session while it moves.
        state = State.RELEASED;
        if (transport != null) {
            SessionTransport t = transport;
            transport = null;
            run(engine.transportLost());
            t.close(TransportClose.SESSION_MOVED, "to " + node);
        }
        cancelExpiry();
        SessionRecord exact = snapshot();
        SessionRecord moved = exact.withEpoch(exact.epoch() + 1, node).withAttached(false, relay.now());
        return relay.store().replace(exact.epoch(), moved).transform(ar -> {
            if (ar.failed()) {
                state = State.HOME; // the store is down: the session stays here, detached
                detached();
                return Future.failedFuture(ar.cause());
            }
            if (!ar.result()) {
                state = State.HOME; // someone changed the record first: our epoch is stale
                end(EndReason.FENCED);
                return Future.succeededFuture(ClusterControl.HandoverAnswer.UNKNOWN);
            }
            replicator.stop();
            engine.dispose(); // idle: it holds no read, but it is not ours any more
            return Future.succeededFuture(ClusterControl.HandoverAnswer.MOVED);
        });
    }

    /** The node is draining: idle sessions let their client go elsewhere now, busy ones when idle. */
    void drain() {
        draining = true;
        closeIfIdleWhileDraining();
    }

    private void closeIfIdleWhileDraining() {
        if (draining && transport != null && engine.idle() && state == State.HOME) {
            SessionTransport t = transport;
            replicator.recorded().onComplete(x -> t.close(TransportClose.DRAINING, "the session moves with the client"));
        }
    }

    /** The drain's grace is over: every connection still open ends with Connection Closed. */
    void abortConnections() {
        for (UpstreamTable.Upstream u : upstreams.removeAll()) {
            if (u.pipe() != null) {
                u.pipe().reset();
            }
            run(engine.localClosed(u.id));
        }
        replicator.changed();
    }

    /** Writes the record now (for a drain's last word). */
    Future<Void> flushRecord() {
        return state == State.HOME ? replicator.recorded() : Future.succeededFuture();
    }

    void tick(long now) {
        if (state == State.HOME) {
            run(engine.tick(now));
            replicator.tick();
        }
    }

    int upstreamCount() {
        return upstreams.size();
    }

    boolean attached() {
        return transport != null;
    }

    /** Bytes held for replay: read from destinations and not yet acked by the client. */
    long bufferedBytes() {
        return engine.bufferedBytes();
    }

    /** The record as it should be stored now: ownership, progress, unacked frames, connections. */
    SessionRecord snapshot() {
        return record.withProgress(engine.lastHandled(), engine.nextMessageId(), upstreams.records(),
                RecordCodec.frames(engine.unackedFrames()));
    }

    void run(List<Effect> produced) {
        effects.run(produced);
        delayedAck.effectsApplied();
        if (draining) {
            closeIfIdleWhileDraining();
        }
    }
}
