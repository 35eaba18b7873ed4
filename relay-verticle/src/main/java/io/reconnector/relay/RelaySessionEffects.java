package io.reconnector.relay;

import io.reconnector.edge.EffectApplier;
import io.reconnector.edge.Errnos;
import io.reconnector.edge.Event;
import io.reconnector.edge.Failures;
import io.reconnector.edge.HostPort;
import io.reconnector.edge.SocketPipe;
import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.engine.Effect;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.IpAddress;
import io.reconnector.store.ConnectionRecord;
import io.reconnector.store.SessionRecord;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * The relay's side of carrying out a session's effects: upstream sockets (dialled only once
 * the destination policy allows and the connection is recorded), the attached transport, and
 * what gets counted and logged.
 */
final class RelaySessionEffects implements EffectApplier.Side, UpstreamTable.Events, RecordReplicator.Owner {
    private final RelaySession session;
    /** New connections this session may open per second. */
    private final TokenBucket connectionRate;

    RelaySessionEffects(RelaySession session) {
        this.session = session;
        this.connectionRate = new TokenBucket(session.relay.options().limits().maxConnectionsPerSecond(),
                System.currentTimeMillis());
    }

    private Relay relay() {
        return session.relay;
    }

    // ------------------------------------------------------------------ sockets and frames

    @Override
    public SocketPipe socket(int connectionId) {
        return session.upstreams.socket(connectionId);
    }

    @Override
    public SocketPipe forget(Effect.CloseConnection why) {
        UpstreamTable.Upstream u = session.upstreams.remove(why.connectionId());
        session.replicator.changed();
        if (!why.graceful()) {
            relay().metrics().connectionAborted(RelayMetrics.AbortedBy.of(why.reason()));
            session.log.infoLimited(Event.CONNECTION_ABORTED, "connection " + why.connectionId() + " aborted: "
                    + why.reason().description(), "connection_id", why.connectionId(), "reason", why.reason().name());
        }
        return u == null ? null : u.pipe();
    }

    @Override
    public void writeFrames(Buffer frames) {
        SessionTransport t = session.transport();
        if (t != null) {
            t.write(frames);
        } else {
            Payloads.release(frames);
        }
    }

    @Override
    public void sequencedFrameSent(io.reconnector.protocol.frame.SequencedFrame frame) {
        session.replicator.changed(); // the record holds unacked frames: it must learn of this one
    }

    // ------------------------------------------------------------------ dialling

    @Override
    public void openUpstream(Effect.OpenUpstream o) {
        int id = o.connectionId();
        Limits limits = relay().options().limits();
        if (session.upstreams.size() >= limits.maxConnections()) {
            refuseByLimit(o, Limits.Limit.CONNECTIONS, limits.maxConnections() + " open");
            return;
        }
        if (!connectionRate.take(System.currentTimeMillis())) {
            refuseByLimit(o, Limits.Limit.CONNECTION_RATE, "more than " + limits.maxConnectionsPerSecond() + " a second");
            return;
        }
        relay().destinations().resolve(o.destination(), o.port()).onComplete(resolved -> {
            if (!session.engine.dialWanted(id, o.token())) {
                return; // cancelled by the client, or the session ended, while the name was looked up
            }
            if (resolved.failed()) {
                refuse(o, resolved.cause());
            } else {
                recordAndDial(o, resolved.result());
            }
        });
    }

    /** The destination is not dialled: Connect Failed with the refusal's errno. */
    private void refuse(Effect.OpenUpstream o, Throwable cause) {
        int id = o.connectionId();
        String to = destination(o);
        if (!(cause instanceof DestinationResolver.Refused refused)) {
            session.log.warn(Event.CONNECTION_REFUSED, "connection " + id + " to " + to + " not dialled: " + cause,
                    "connection_id", id, "destination", to);
            session.run(session.engine.upstreamFailed(id, o.token(), ConnectFailed.EHOSTUNREACH));
            return;
        }
        if (refused.errno == ConnectFailed.EACCES) {
            relay().metrics().connectionDenied();
        }
        session.log.infoLimited(Event.CONNECTION_REFUSED, "connection " + id + " to " + to + " refused: "
                + refused.getMessage(), "connection_id", id, "destination", to, "errno", refused.errno,
                "rule", refused.getMessage());
        session.run(session.engine.upstreamFailed(id, o.token(), refused.errno));
    }

    /**
     * Records the connection and dials it at once, side by side: the store's write (about a
     * millisecond) no longer sits in front of every dial. Connected goes to the client only
     * when both have succeeded (on a node alone in its cluster, when the dial has); a socket
     * whose record could not be written (or was fenced) is closed before a byte goes through
     * it. A node that dies in that millisecond leaves a dialled socket nobody recorded; it dies
     * with the node, and a client that resends the New Connection to the next home has it
     * dialled again (docs/PROTOCOL.md, decision 21).
     */
    private void recordAndDial(Effect.OpenUpstream o, IpAddress address) {
        int id = o.connectionId();
        String recorded = o.destination() instanceof IpAddress ? address.toString() : o.destination() + " (" + address + ")";
        UpstreamTable.Upstream u = session.upstreams.dialling(id, o.token(), new ConnectionRecord(id,
                recorded, o.port(), relay().options().nodeName(), ConnectionRecord.State.DIALLING));
        session.replicator.changed();
        long asked = System.nanoTime();
        // Held the moment it connects: a server that speaks first (SMTP, SSH) may send its
        // greeting while the record is still being written, and Vert.x drops what a socket
        // without a handler reads.
        Future<SocketPipe> dialled = relay().dialer().dial(address, o.port())
                .map(s -> new SocketPipe(s).handOverReads().limitReadAhead().hold());
        // Alone in its cluster, a node has nobody who could take the session over from its
        // record (its records live in its own member and die with it): the connection neither
        // waits for the record nor asks for a write of its own; the session's tick writes the
        // record once per replication interval, ready for a member that joins.
        Future<Void> stored = relay().alone() ? Future.succeededFuture() : session.replicator.recorded();
        Future.join(stored, dialled).onComplete(both -> {
            if (session.log.debugEnabled()) {
                session.log.debug(null, String.format("connection %d: recorded and dialled in %.2f ms", id,
                        (System.nanoTime() - asked) / 1e6));
            }
            if (!session.upstreams.holds(u)) {
                closeIfOpen(dialled); // cancelled by the client, or the session ended, meanwhile
                return;
            }
            if (stored.failed()) {
                closeIfOpen(dialled);
                notRecorded(u, o, stored.cause());
                return;
            }
            dialled(u, o, dialled);
        });
    }

    /** What a New Connection asked for, as HOST:PORT (an IPv6 address in brackets). */
    private static String destination(Effect.OpenUpstream o) {
        return new HostPort(o.destination().toString(), o.port()).toString();
    }

    private static void closeIfOpen(Future<SocketPipe> dialled) {
        if (dialled.succeeded()) {
            dialled.result().close();
        }
    }

    /** A limit refused the connection: Connect Failed with EMFILE, before any dial. */
    private void refuseByLimit(Effect.OpenUpstream o, Limits.Limit limit, String detail) {
        relay().refused(limit, "connection " + o.connectionId() + " of session " + session.key + " (" + detail + ")");
        session.run(session.engine.upstreamFailed(o.connectionId(), o.token(), ConnectFailed.EMFILE));
    }

    private void notRecorded(UpstreamTable.Upstream u, Effect.OpenUpstream o, Throwable cause) {
        session.upstreams.remove(u.id);
        session.replicator.changed();
        if (cause instanceof RecordReplicator.NotRecorded nr && nr.fencedOff()) {
            return; // the session has ended here; the client resumes with whoever owns it now
        }
        session.log.warn(Event.RECORD_WRITE_FAILED, "connection " + u.id + " refused: it could not be recorded ("
                + cause.getMessage() + ")", "connection_id", u.id);
        session.run(session.engine.upstreamFailed(u.id, o.token(), ConnectFailed.ETIMEDOUT));
    }

    /** Recorded: the dial's outcome is the connection's. */
    private void dialled(UpstreamTable.Upstream u, Effect.OpenUpstream o, AsyncResult<SocketPipe> ar) {
        if (ar.failed()) {
            session.upstreams.remove(u.id);
            session.replicator.changed();
            session.log.debug(null, "connection " + u.id + " to " + destination(o) + " failed: "
                    + ar.cause().getMessage());
            session.run(session.engine.upstreamFailed(u.id, o.token(), Errnos.of(ar.cause())));
            return;
        }
        relay().metrics().connectionOpened();
        u.connected(ar.result());
        session.replicator.changed();
        session.run(session.engine.upstreamConnected(u.id, o.token()));
    }

    @Override
    public void extensionsSettled(Effect.ExtensionsSettled e) {
        throw new IllegalStateException("a server engine emitted the client-only effect " + e);
    }

    @Override
    public void abandonDial(Effect.AbandonDial e) {
        UpstreamTable.Upstream u = session.upstreams.get(e.connectionId());
        if (u != null && u.dialToken == e.token()) {
            session.upstreams.remove(u.id);
            session.replicator.changed();
            if (u.pipe() != null) {
                u.pipe().close();
            }
        }
    }

    // ------------------------------------------------------------------ upstream socket events

    @Override
    public void data(UpstreamTable.Upstream u, Buffer data) {
        relay().metrics().relayed(RelayMetrics.Direction.DOWN, data.length());
        session.run(session.engine.write(u.id, data));
    }

    @Override
    public void written(long nanos) {
        relay().metrics().recordWritten(java.time.Duration.ofNanos(nanos));
    }

    @Override
    public void delivered(int connectionId, int bytes) {
        relay().metrics().relayed(RelayMetrics.Direction.UP, bytes);
    }

    @Override
    public void eof(UpstreamTable.Upstream u) {
        session.run(session.engine.localEof(u.id));
    }

    @Override
    public void closed(UpstreamTable.Upstream u, boolean abort, Throwable cause) {
        if (abort) {
            relay().metrics().connectionAborted(RelayMetrics.AbortedBy.DESTINATION);
            // The client hears only "aborted by the peer"; the reason is known here alone.
            ConnectionRecord r = u.record();
            String to = new HostPort(r.address(), r.port()).toString();
            String why = cause == null ? "closed before its end" : Failures.human(cause);
            session.log.infoLimited(Event.CONNECTION_ABORTED, "connection " + u.id + " to " + to
                    + " aborted by the destination: " + why, "connection_id", u.id, "destination", to, "error", why);
        }
        session.replicator.changed();
        session.run(session.engine.localClosed(u.id));
    }

    // ------------------------------------------------------------------ the session's transport

    @Override
    public void established(Effect.Established e) {
        long nanos = System.nanoTime() - session.attachStartedAt;
        double ms = nanos / 1e6;
        if (e.resumed()) {
            relay().metrics().resumed(nanos);
            session.log.info(Event.SESSION_RESUMED, String.format("resumed: %d messages replayed, %d connections open, %.1f ms",
                    e.retransmitted(), session.upstreamCount(), ms), "replayed", e.retransmitted());
        } else {
            relay().metrics().sessionStarted();
            session.log.infoLimitedPer(session.source(), Event.SESSION_STARTED, "started"
                    + (session.startedFrom == null ? "" : " from " + session.startedFrom), "from", session.startedFrom);
        }
    }

    @Override
    public void transportDead(Effect.TransportDead e) {
        SessionTransport t = session.transport();
        if (t != null) {
            t.close(TransportClose.SILENT, "nothing received for " + e.silentMillis() + " ms");
        }
    }

    @Override
    public void protocolError(Effect.ProtocolError e) {
        SessionTransport t = session.transport();
        if (t != null) {
            t.protocolError(e.error());
        }
    }

    @Override
    public void connectResult(Effect.ConnectResult e) {
        throw new IllegalStateException("a server engine emitted the client-only effect " + e);
    }

    @Override
    public void rejected(Effect.Rejected e) {
        throw new IllegalStateException("a server engine emitted the client-only effect " + e);
    }

    // ------------------------------------------------------------------ the record

    @Override
    public SessionRecord snapshot() {
        return session.snapshot();
    }

    @Override
    public void fenced() {
        session.end(RelaySession.EndReason.FENCED);
    }

    @Override
    public void storeTrouble(int attempt, Throwable cause) {
        if (attempt == 1) {
            session.log.warn(Event.RECORD_WRITE_FAILED, "cannot write the session record (" + cause.getMessage()
                    + "); retrying");
        } else if (attempt == 0) {
            session.log.info(Event.RECORD_WRITE_FAILED, "the session record is written again", "recovered", true);
        }
    }
}
