package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.SequencedFrame;
import io.reconnector.protocol.frame.SessionStarted;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The relay's side of one session. The relay decides, outside the engine, whether a
 * Start or Reconnect may have this session; the engine then answers it and runs it.
 */
public final class ServerSessionEngine extends SessionEngine {
    private long nextDialToken = 1;
    /** Taken over after the home was lost: the client may have seen more than the record. */
    private boolean recordMayLag;
    /** Connections that lived on the lost home: closed right after the first resume. */
    private List<Connection> lostConnections = List.of();

    public ServerSessionEngine(long clientId, EngineConfig config) {
        super(clientId, config);
    }

    /**
     * A session taken over from a record. After a handover from a live home the record is
     * exact and has no connections. After the home was lost, the record may lag the wire: the
     * first resume then continues our sequence after max(the client's last acked, the record's
     * next id), replays the recorded unacked frames the client lacks, closes every recorded
     * connection (their sockets died with the home), and accepts the client's stream from
     * wherever its retransmission starts.
     */
    public static ServerSessionEngine restore(long clientId, EngineConfig config, SessionSnapshot snapshot,
                                              boolean homeLost) {
        ServerSessionEngine e = new ServerSessionEngine(clientId, config);
        e.receiver.lastHandled = snapshot.lastClientHandled();
        Map<Integer, Connection> byId = new HashMap<>();
        List<Connection> lost = new ArrayList<>();
        for (int id : snapshot.connectionIds()) {
            Connection c = new Connection(id);
            c.state = Connection.State.OPEN;
            c.socketGone = true;
            e.state.connections.put(id, c);
            byId.put(id, c);
            lost.add(c);
        }
        List<OutboundLog.Entry> entries = new ArrayList<>();
        for (SequencedFrame f : snapshot.unacked()) {
            Connection c = byId.computeIfAbsent(f.connectionId(), Connection::new);
            entries.add(new OutboundLog.Entry(f, c));
        }
        int ackedThrough = Serial16.add(snapshot.nextServerId(), -1 - entries.size());
        e.state.log.restore(ackedThrough, entries);
        e.recordMayLag = homeLost;
        e.receiver.acceptOneJump = homeLost;
        e.lostConnections = lost;
        return e;
    }

    /** Answers Start Session on a fresh engine: Session Started(id, {@link Serial16#NONE}). */
    public List<Effect> start(long nowMillis) {
        if (receiver.lastHandled != Serial16.NONE || state.log.size() > 0) {
            throw new IllegalStateException("start() needs a fresh engine; a Start Session replaces the old one");
        }
        return attachWith(Serial16.NONE, nowMillis, false);
    }

    /** Answers Reconnect Session(id, clientLastAcked) for this existing session. */
    public List<Effect> resume(int clientLastAcked, long nowMillis) {
        return attachWith(clientLastAcked, nowMillis, true);
    }

    private List<Effect> attachWith(int clientLastAcked, long nowMillis, boolean resumed) {
        markAttached(nowMillis);
        if (Serial16.distance(state.log.ackedThrough(), clientLastAcked) < 0) {
            // The client acked more than it now says it has: what it claims to lack is gone
            // (dropped on its own ack), so replaying from there would skip ids. An honest client's
            // acks never run ahead of its handshake; a record only lags, never leads.
            state.emit(new Effect.ProtocolError(new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                    "Reconnect says last acked " + Serial16.hex(clientLastAcked) + " but the client acked "
                            + Serial16.hex(state.log.ackedThrough()) + " before")));
            state.link = Link.DETACHED;
            return state.drain();
        }
        if (recordMayLag && state.log.coverage(clientLastAcked) < 0) {
            state.log.fastForward(clientLastAcked); // the lost home sent more than it recorded
        }
        recordMayLag = false;
        state.send(new SessionStarted(state.clientId, receiver.lastHandled));
        try {
            resumeFrom(clientLastAcked, resumed);
            for (Connection c : lostConnections) {
                if (state.current(c)) {
                    sender.sendClosed(c);
                }
            }
            lostConnections = List.of();
        } catch (ProtocolException e) {
            state.emit(new Effect.ProtocolError(e));
            state.link = Link.DETACHED;
        }
        return state.drain();
    }

    /** The dial named by {@code token} connected: answer Connected. */
    public List<Effect> upstreamConnected(int connectionId, long token) {
        Connection c = state.connections.get(connectionId);
        if (c == null || c.dialToken != token || c.state != Connection.State.OPENING) {
            state.emit(new Effect.AbandonDial(connectionId, token));
            return state.drain();
        }
        c.state = Connection.State.OPEN;
        sender.append(id -> new Connected(id, c.id, state.grant(c)), c);
        if (c.inboundEnded) {
            state.emit(new Effect.DeliverEof(c.id));
        }
        return state.drain();
    }

    /** Whether connection {@code id} still waits for the dial {@code token} (the client has not cancelled it). */
    public boolean dialWanted(int connectionId, long token) {
        Connection c = state.connections.get(connectionId);
        return c != null && c.dialToken == token && c.state == Connection.State.OPENING && !c.socketGone;
    }

    /** The dial named by {@code token} failed (or policy forbade it): answer Connect Failed. */
    public List<Effect> upstreamFailed(int connectionId, long token, int errno) {
        Connection c = state.connections.get(connectionId);
        if (c != null && c.dialToken == token && c.state == Connection.State.OPENING) {
            sender.sendConnectFailed(c, errno);
        }
        return state.drain();
    }

    /** What another node needs to take this session over. */
    public SessionSnapshot snapshot() {
        return new SessionSnapshot(receiver.lastHandled, nextMessageId(), unackedFrames(),
                new ArrayList<>(state.connections.keySet()));
    }

    /** True when no connection of this session is in the table (End Session may apply). */
    public boolean idle() {
        return connectionCount() == 0;
    }

    /** The client cancelled a connection still being dialled (decision 6): drop the dial. */
    @Override
    void onClosedWhileOpening(Connection c) {
        state.emit(new Effect.CloseConnection(c.id, CloseReason.ABORTED_BY_PEER));
    }

    /** A client said hello: say it back at once, so it arrives before the ack of the client's probe. */
    @Override
    void onHello() {
        if (state.config.extensions()) {
            state.send(Extensions.hello(state.log.lastAssigned()));
        }
    }

    @Override
    void onConnectionMessage(SequencedFrame frame) throws ProtocolException {
        if (!(frame instanceof NewConnection nc)) {
            throw new ProtocolException(ProtocolViolation.WRONG_DIRECTION, "server received " + frame);
        }
        if (nc.type().extension() && !state.config.extensions()) {
            // What a seed-only relay's decoder would say of a code it does not know.
            throw new ProtocolException(ProtocolViolation.UNKNOWN_CODE, String.format("0x%02x", nc.code()));
        }
        if (state.connections.containsKey(nc.connectionId())) {
            throw new ProtocolException(ProtocolViolation.CONNECTION_IN_USE, "connection id " + nc.connectionId());
        }
        Connection c = new Connection(nc.connectionId());
        c.dialToken = nextDialToken++;
        state.connections.put(c.id, c);
        state.emit(new Effect.OpenUpstream(c.id, nc.destination(), nc.port(), c.dialToken));
    }
}
