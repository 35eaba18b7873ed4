package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Ipv4Address;
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
    /** The server has started this session at least once: later attaches resume it. */
    private boolean sessionExists;
    private boolean startSent;
    private int lastAllocatedId;

    public ClientSessionEngine(long clientId, EngineConfig config) {
        super(clientId, config);
    }

    /** A new transport is up: send the handshake. */
    public List<Effect> attach(long nowMillis) {
        markAttached(nowMillis);
        link = Link.HANDSHAKING;
        startSent = !sessionExists;
        send(startSent ? new StartSession(clientId) : new ReconnectSession(clientId, lastHandled));
        return drain();
    }

    /**
     * A connection id not in use, or -1 when all 65,535 are. Ids rotate from 1 (0 stays
     * unused so a Keepalive for "no connection" is never ambiguous), which also keeps a
     * just-freed id from being reused at once.
     */
    public int nextFreeConnectionId() {
        for (int i = 0; i < 0xFFFF; i++) {
            int id = (lastAllocatedId + i) % 0xFFFF + 1;
            if (!connections.containsKey(id)) {
                return id;
            }
        }
        return -1;
    }

    /** An application wants a connection: send New Connection (now or after the next handshake). */
    public List<Effect> open(int connectionId, Ipv4Address address, int port) {
        if (connections.containsKey(connectionId)) {
            throw new IllegalArgumentException("connection id " + connectionId + " is in use");
        }
        lastAllocatedId = connectionId;
        if (link == Link.ATTACHED) {
            flushAckBeforeReuse();
        }
        Connection c = new Connection(connectionId);
        connections.put(connectionId, c);
        appendSequenced(id -> {
            c.openMessageId = id;
            return new NewConnection(id, connectionId, address, port);
        }, c);
        return drain();
    }

    public boolean sessionExists() {
        return sessionExists;
    }

    @Override
    protected void onHandshakeAnswer(Frame frame) throws ProtocolException {
        if (frame instanceof SessionStarted started) {
            if (started.clientCode() != clientId) {
                throw new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                        "session started for client " + started.clientCode() + ", we are " + clientId);
            }
            if (startSent && started.lastAcked() != Serial16.NONE) {
                throw new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                        "a new session must start with last acked 0xffff, got " + Serial16.hex(started.lastAcked()));
            }
            sessionExists = true;
            if (!startSent) {
                failConnectionsLostWithTheOldHome(started.lastAcked());
            }
            resumeFrom(started.lastAcked(), !startSent);
        } else if (frame instanceof SessionRejected rejected) {
            if (rejected.clientCode() != clientId) {
                throw new ProtocolException(ProtocolViolation.BAD_HANDSHAKE,
                        "session rejected for client " + rejected.clientCode() + ", we are " + clientId);
            }
            for (Connection c : new ArrayList<>(connections.values())) {
                if (!c.localGone) {
                    emit(new Effect.CloseConnection(c.id, "session rejected by the relay", false));
                }
            }
            resetSession();
            sessionExists = false;
            link = Link.DETACHED;
            emit(new Effect.Rejected());
        } else {
            throw new ProtocolException(ProtocolViolation.BEFORE_HANDSHAKE,
                    "expected Session Started or Rejected, got " + frame);
        }
    }

    /**
     * A relay that took the session over from a record lagging the wire answers with a last
     * acked id older than acks we already had. A New Connection acked in that gap reached only
     * the lost home, which may never have dialled it, and nobody will answer it now: fail it.
     */
    private void failConnectionsLostWithTheOldHome(int serverLastAcked) {
        int ackedByUs = log.ackedThrough();
        if (!Serial16.isAfter(ackedByUs, serverLastAcked)) {
            return;
        }
        for (Connection c : new ArrayList<>(connections.values())) {
            if (c.phase == Connection.Phase.OPENING && !c.localGone && c.openMessageId >= 0
                    && Serial16.isAfter(c.openMessageId, serverLastAcked)
                    && !Serial16.isAfter(c.openMessageId, ackedByUs)) {
                c.localGone = true;
                emit(new Effect.ConnectResult(c.id, ConnectFailed.EHOSTUNREACH));
                sendClosed(c);
            }
        }
    }

    @Override
    protected void onConnectionMessage(SequencedFrame frame) throws ProtocolException {
        if (frame instanceof Connected connected) {
            Connection c = connections.get(connected.connectionId());
            if (c == null || c.closing() || c.phase != Connection.Phase.OPENING) {
                return; // we closed it meanwhile; our Closed tells the server
            }
            c.phase = Connection.Phase.OPEN;
            c.applyWindow(connected.window());
            emit(new Effect.ConnectResult(c.id, 0));
            flushAckBeforeReuse(); // the Ack of Connected is the server's first grant: send it now
            trySend(c);
        } else if (frame instanceof ConnectFailed failed) {
            Connection c = connections.get(failed.connectionId());
            if (c == null || c.phase != Connection.Phase.OPENING) {
                return;
            }
            connections.remove(c.id);
            if (!c.localGone) {
                c.localGone = true;
                emit(new Effect.ConnectResult(c.id, failed.errno()));
            }
        } else {
            throw new ProtocolException(ProtocolViolation.WRONG_DIRECTION, "client received " + frame);
        }
    }
}
