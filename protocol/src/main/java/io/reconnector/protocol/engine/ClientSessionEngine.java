package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.Destination;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.NewConnection;
import io.reconnector.protocol.frame.ReconnectSession;
import io.reconnector.protocol.frame.SequencedFrame;
import io.reconnector.protocol.frame.SessionRejected;
import io.reconnector.protocol.frame.SessionStarted;
import io.reconnector.protocol.frame.StartSession;

import java.util.ArrayList;
import java.util.List;

/**
 * The agent's side of a session. It outlives transports: {@link #attach(long)} on each new
 * one sends Start Session the first time (and after a rejection) and Reconnect Session after.
 */
public final class ClientSessionEngine extends SessionEngine {
    /** Connection ids run 1..65,535: 0 is Keepalive's "no connection". */
    private static final int CONNECTION_IDS = 0xFFFF;

    /** The server has started this session at least once: later attaches resume it. */
    private boolean sessionExists;
    private boolean startSent;
    private int lastAllocatedId;
    /** What we know of the relay's extension ({@link Extensions}). */
    private Extensions.State extensions;
    /** The message id of the latest probe (Closed for connection 0), -1 before any is assigned. */
    private int probeId = -1;

    public ClientSessionEngine(long clientId, EngineConfig config) {
        super(clientId, config);
        extensions = config.extensions() ? Extensions.State.UNKNOWN : Extensions.State.ABSENT;
    }

    /** Whether names and IPv6 addresses may go to the relay; UNKNOWN until a round trip after the handshake. */
    public Extensions.State extensions() {
        return extensions;
    }

    /** A new transport is up: send the handshake. */
    public List<Effect> attach(long nowMillis) {
        markAttached(nowMillis);
        state.link = Link.HANDSHAKING;
        startSent = !sessionExists;
        state.send(startSent ? new StartSession(state.clientId) : new ReconnectSession(state.clientId, receiver.lastHandled));
        return state.drain();
    }

    /**
     * A connection id not in use, or -1 when all 65,535 are. Ids rotate from 1 (0 stays
     * unused so a Keepalive for "no connection" is never ambiguous), which also keeps a
     * just-freed id from being reused at once.
     */
    public int nextFreeConnectionId() {
        for (int i = 0; i < CONNECTION_IDS; i++) {
            int id = (lastAllocatedId + i) % CONNECTION_IDS + 1;
            if (!state.connections.containsKey(id)) {
                return id;
            }
        }
        return -1;
    }

    /**
     * An application wants a connection: send New Connection (now or after the next handshake).
     * A name or an IPv6 address only once the relay has offered the extension.
     */
    public List<Effect> open(int connectionId, Destination destination, int port) {
        if (state.connections.containsKey(connectionId)) {
            throw new IllegalArgumentException("connection id " + connectionId + " is in use");
        }
        if (destination.needsExtension() && extensions != Extensions.State.OFFERED) {
            throw new IllegalStateException("the relay has not offered the extension " + destination
                    + " needs (it is " + extensions + ")");
        }
        lastAllocatedId = connectionId;
        if (state.attached()) {
            receiver.flushAck(); // the server must see the ack that freed this id before the id again (§4)
        }
        Connection c = new Connection(connectionId);
        state.connections.put(connectionId, c);
        sender.append(id -> {
            c.openMessageId = id;
            return new NewConnection(id, connectionId, destination, port);
        }, c);
        return state.drain();
    }

    public boolean sessionExists() {
        return sessionExists;
    }

    @Override
    void onHandshakeAnswer(Frame frame) throws ProtocolException {
        if (frame instanceof SessionStarted started) {
            if (started.clientCode() != state.clientId) {
                throw new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                        "session started for client " + started.clientCode() + ", we are " + state.clientId);
            }
            if (startSent && started.lastAcked() != Serial16.NONE) {
                throw new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                        "a new session must start with last acked 0xffff, got " + Serial16.hex(started.lastAcked()));
            }
            if (!startSent && state.log.coverage(started.lastAcked()) < 0) {
                // The relay's session acks messages we never sent: whatever it is, it is not the
                // session we had. Resuming would fail the same way on every attempt; start anew.
                sessionOver(Effect.Rejected.Why.NOT_OURS);
                return;
            }
            sessionExists = true;
            if (!startSent) {
                failConnectionsLostWithTheOldHome(started.lastAcked());
            }
            resumeFrom(started.lastAcked(), !startSent);
            sayHello();
        } else if (frame instanceof SessionRejected rejected) {
            if (rejected.clientCode() != state.clientId) {
                throw new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                        "session rejected for client " + rejected.clientCode() + ", we are " + state.clientId);
            }
            sessionOver(Effect.Rejected.Why.REJECTED_BY_RELAY);
        } else {
            throw new ProtocolException(ProtocolViolation.BEFORE_HANDSHAKE,
                    "expected Session Started or Rejected, got " + frame);
        }
    }

    /**
     * Until the relay's answer is known: hello, then the probe (see {@link Extensions}). On a
     * resume an older probe may be retransmitted ahead of the new hello; only the latest probe's
     * ack, which a relay that speaks the extension sends after its hello, means "absent".
     */
    private void sayHello() {
        if (extensions != Extensions.State.UNKNOWN) {
            return;
        }
        state.send(Extensions.hello(state.log.lastAssigned()));
        probeId = -1;
        sender.append(id -> {
            probeId = id;
            return new ConnectionClosed(id, Keepalive.NO_CONNECTION);
        }, new Connection(Keepalive.NO_CONNECTION)); // a connection of no table: its ack frees nothing
    }

    @Override
    void onHello() {
        if (state.config.extensions() && extensions != Extensions.State.OFFERED) {
            extensions = Extensions.State.OFFERED;
            state.emit(new Effect.ExtensionsSettled(true));
        }
    }

    @Override
    void afterReceive() {
        if (extensions == Extensions.State.UNKNOWN && probeId >= 0
                && !Serial16.isAfter(probeId, state.log.ackedThrough())) {
            extensions = Extensions.State.ABSENT;
            state.emit(new Effect.ExtensionsSettled(false));
        }
    }

    /** The session cannot go on: its connections are reset and the next attach starts a new one. */
    private void sessionOver(Effect.Rejected.Why why) {
        for (Connection c : new ArrayList<>(state.connections.values())) {
            if (!c.socketGone) {
                state.emit(new Effect.CloseConnection(c.id, CloseReason.SESSION_REJECTED));
            }
        }
        resetSession();
        sessionExists = false;
        probeId = -1; // gone with the old session's log; while UNKNOWN the new session says hello again
        state.link = Link.DETACHED;
        state.emit(new Effect.Rejected(why));
    }

    /**
     * A relay that took the session over from a record lagging the wire answers with a last
     * acked id older than acks we already had. A New Connection acked in that gap reached only
     * the lost home, which may never have dialled it, and nobody will answer it now: fail it.
     */
    private void failConnectionsLostWithTheOldHome(int serverLastAcked) {
        int ackedByUs = state.log.ackedThrough();
        if (!Serial16.isAfter(ackedByUs, serverLastAcked)) {
            return;
        }
        for (Connection c : new ArrayList<>(state.connections.values())) {
            if (c.state == Connection.State.OPENING && !c.socketGone && c.openMessageId != null
                    && Serial16.isAfter(c.openMessageId, serverLastAcked)
                    && !Serial16.isAfter(c.openMessageId, ackedByUs)) {
                c.socketGone = true;
                state.emit(new Effect.ConnectResult(c.id, ConnectFailed.EHOSTUNREACH));
                sender.sendClosed(c);
            }
        }
    }

    /** The server gave up on a New Connection before answering it (decision 15): the connect failed. */
    @Override
    void onClosedWhileOpening(Connection c) {
        state.emit(new Effect.ConnectResult(c.id, ConnectFailed.EHOSTUNREACH));
    }

    @Override
    void onConnectionMessage(SequencedFrame frame) throws ProtocolException {
        switch (frame.type()) {
            case CONNECTED -> onConnected((Connected) frame);
            case CONNECT_FAILED -> onConnectFailed((ConnectFailed) frame);
            default -> throw new ProtocolException(ProtocolViolation.WRONG_DIRECTION, "client received " + frame);
        }
    }

    private void onConnected(Connected connected) {
        Connection c = state.connections.get(connected.connectionId());
        if (c == null || c.state != Connection.State.OPENING) {
            return; // we closed it meanwhile; our Closed tells the server
        }
        c.state = Connection.State.OPEN;
        c.applyWindow(connected.window());
        state.emit(new Effect.ConnectResult(c.id, Effect.ConnectResult.CONNECTED));
        receiver.flushAck(); // the Ack of Connected is the server's first grant: send it now
        sender.trySend(c);
    }

    private void onConnectFailed(ConnectFailed failed) {
        Connection c = state.connections.get(failed.connectionId());
        if (c == null || c.state != Connection.State.OPENING) {
            return;
        }
        state.connections.remove(c.id);
        sender.forget(c);
        if (!c.socketGone) {
            c.socketGone = true;
            state.emit(new Effect.ConnectResult(c.id, failed.errno()));
        }
    }
}
