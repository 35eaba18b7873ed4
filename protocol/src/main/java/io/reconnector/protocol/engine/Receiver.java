package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.SequencedFrame;

import java.util.ArrayList;

/**
 * The peer's half of the session (PROTOCOL.md §2, §4, §5): handles its sequenced messages
 * strictly in order, enforces the windows we granted, and acks — coalesced until the edge
 * finishes a read batch, but never so late that the peer's window or id space stalls.
 */
final class Receiver {
    private final SessionState s;
    private final Sender sender;
    /** The last peer message handled ({@link Serial16#NONE} before any). */
    int lastHandled = Serial16.NONE;
    /**
     * Set when a session is taken over from a record that may lag the wire: the peer's stream
     * may continue past ids the record knows, so the first new id is accepted as the new base.
     */
    boolean acceptOneJump;
    /** The connection the last handled message belongs to: the window our next Ack carries. */
    private Connection lastHandledConnection;
    private boolean ackDue;
    private int handledSinceAck;
    /** Connections that received data since our last Ack. */
    private final ArrayList<Connection> unackedData = new ArrayList<>();

    Receiver(SessionState s, Sender sender) {
        this.s = s;
        this.sender = sender;
    }

    /** What the client and server engines each handle their own way. */
    interface Side {
        /** A sequenced frame only this side's peer sends (New Connection, Connected, …). */
        void connectionMessage(SequencedFrame frame) throws ProtocolException;

        /** The peer's Connection Closed came for a connection that never opened. */
        void closedWhileOpening(Connection c);
    }

    private Side side;

    void setSide(Side side) {
        this.side = side;
    }

    void onSequenced(SequencedFrame f) throws ProtocolException {
        int d = Serial16.distance(lastHandled, f.messageId());
        if (d <= 0) {
            ackDue = true; // a retransmitted duplicate: drop it, ack again
            return;
        }
        if (d > 1 && acceptOneJump) {
            d = 1; // what lies between was handled by the lost home; its connections are closed
        }
        acceptOneJump = false;
        if (d > 1) {
            throw new ProtocolException(ProtocolViolation.ID_GAP, "expected " + Serial16.hex(Serial16.next(lastHandled))
                    + ", got " + Serial16.hex(f.messageId()));
        }
        lastHandled = f.messageId();
        // Any Ack sent from here on (even from inside the handler) carries this connection's window.
        lastHandledConnection = s.connections.get(f.connectionId());
        ackDue = true;
        handledSinceAck++;
        switch (f.type()) {
            case DATA -> onData((Data) f);
            case CONNECTION_EOF -> onEof((ConnectionEof) f);
            case CONNECTION_CLOSED -> onClosed((ConnectionClosed) f);
            default -> side.connectionMessage(f);
        }
        lastHandledConnection = s.connections.get(f.connectionId());
        if (handledSinceAck >= s.config.ackEveryMessages()) {
            sendAck();
        }
    }

    private void onData(Data d) {
        Connection c = s.connections.get(d.connectionId());
        if (c == null || c.closing()) {
            return; // data for a closed or unknown connection is acked and ignored
        }
        if (!c.acceptsData()) {
            sender.abort(c, c.inboundEnded ? CloseReason.DATA_AFTER_EOF : CloseReason.DATA_BEFORE_OPEN);
            return;
        }
        if (c.receivedBytes + d.length() > c.grantedLimit) {
            sender.abort(c, CloseReason.WINDOW_EXCEEDED);
            return;
        }
        if (c.receivedBytes == c.ackedSentBytes) {
            unackedData.add(c);
        }
        c.receivedBytes += d.length();
        c.applyWindow(d.window());
        s.emit(new Effect.Deliver(c.id, d.payload()));
        sender.trySend(c);
        if (c.receivedBytes - c.ackedSentBytes >= s.config.receiveWindowBytes() / 4) {
            sendAck();
        }
    }

    private void onEof(ConnectionEof eof) {
        Connection c = s.connections.get(eof.connectionId());
        if (c == null || c.closing() || c.inboundEnded) {
            return;
        }
        c.inboundEnded = true;
        if (c.open()) {
            s.emit(new Effect.DeliverEof(c.id));
        }
        if (c.outbound == Connection.Outbound.EOF_SENT) {
            // Both directions have ended: the side whose received EOF completes the pair closes.
            s.emit(new Effect.CloseConnection(c.id, CloseReason.BOTH_ENDED));
            c.socketGone = true;
            sender.sendClosed(c);
        }
    }

    private void onClosed(ConnectionClosed closed) {
        Connection c = s.connections.remove(closed.connectionId());
        if (c == null) {
            return;
        }
        sender.forget(c);
        if (!c.socketGone) {
            c.socketGone = true;
            if (c.state == Connection.State.OPENING) {
                side.closedWhileOpening(c);
            } else {
                // Closed after the peer's EOF ends a finished stream; before it, the far end failed.
                s.emit(new Effect.CloseConnection(c.id, c.inboundEnded ? CloseReason.CLOSED_BY_PEER
                        : CloseReason.ABORTED_BY_PEER));
            }
        }
    }

    void onAck(Ack a) throws ProtocolException {
        int covered = s.log.coverage(a.messageId());
        if (covered < 0) {
            throw new ProtocolException(ProtocolViolation.ACK_OF_UNSENT, Serial16.hex(a.messageId())
                    + " (latest sent " + Serial16.hex(s.log.lastAssigned()) + ")");
        }
        s.log.ack(covered, sender::acked);
        if (a.messageId() == s.log.ackedThrough()) {
            // An Ack of an older id than the latest acked no longer names a known connection.
            sender.applyWindow(s.log.ackedThroughConnection(), a.window());
        }
        sender.afterAck();
    }

    void onKeepalive(Keepalive k) {
        sender.applyWindow(s.connections.get(k.connectionId()), k.window());
    }

    /** {@code bytes} delivered on {@code c} were written out: reopen its window if that is worth a frame. */
    void consumed(Connection c, int bytes) {
        c.consumedBytes += bytes;
        int capacity = s.config.receiveWindowBytes();
        if (s.attached() && c.acceptsData() && c.grantableGrowth(capacity) >= capacity / 4) {
            if (ackDue && lastHandledConnection == c) {
                sendAck();
            } else {
                s.send(new Keepalive(s.log.lastAssigned(), c.id, s.grant(c)));
            }
        }
    }

    boolean ackOwed() {
        return ackDue && s.attached();
    }

    /** Sends the coalesced Ack if one is owed. */
    void flushAck() {
        if (ackDue) {
            sendAck();
        }
    }

    private void sendAck() {
        if (!s.attached()) {
            return;
        }
        for (Connection c : unackedData) {
            c.ackedSentBytes = c.receivedBytes;
        }
        unackedData.clear();
        Connection c = lastHandledConnection;
        int window = s.current(c) ? s.grant(c) : 0;
        s.send(new Ack(lastHandled, window));
        ackDue = false;
        handledSinceAck = 0;
    }

    /** The handshake told the peer we handled everything through {@link #lastHandled}. */
    void handshakeAcked() {
        for (Connection c : s.connections.values()) {
            c.ackedSentBytes = c.receivedBytes;
        }
        unackedData.clear();
        ackDue = false;
        handledSinceAck = 0;
    }

    /** The transport is gone: acks owed to it are owed to nobody (the handshake settles them). */
    void detached() {
        ackDue = false;
        handledSinceAck = 0;
    }

    /** Forgets everything (client after a rejection): the peer's ids restart at 0. */
    void reset() {
        unackedData.clear();
        lastHandled = Serial16.NONE;
        lastHandledConnection = null;
        ackDue = false;
        handledSinceAck = 0;
    }
}
