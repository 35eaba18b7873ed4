package io.reconnector.protocol.engine;

import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.SequencedFrame;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The protocol state machine of one side of one session (PROTOCOL.md §2–§6), as the edge sees
 * it: every input returns the {@link Effect}s it caused. It does no I/O and reads no clock;
 * time arrives through {@link #tick(long)}. The work is split like wireguard-go's device:
 * {@link Sender} (our sequence, windows, send queue), {@link Receiver} (in-order handling,
 * acks), {@link Liveness} (keepalive and dead-link timers). The client and server engines add
 * their handshake and their side's connection messages.
 *
 * <p>Not thread-safe: an edge drives one engine from one thread (a Vert.x context).
 */
public abstract class SessionEngine {
    /** Where the session's transport is. */
    public enum Link {
        /** No transport: sequenced frames collect in the log until a resume. */
        DETACHED,
        /** Client only: the handshake is sent, the answer not yet in. */
        HANDSHAKING,
        ATTACHED
    }

    final SessionState state;
    final Sender sender;
    final Receiver receiver;
    private final Liveness liveness;
    private boolean disposed;

    protected SessionEngine(long clientId, EngineConfig config) {
        this.state = new SessionState(clientId, config);
        this.sender = new Sender(state);
        this.receiver = new Receiver(state, sender);
        state.owedAck = receiver::flushAck;
        this.liveness = new Liveness(state);
        this.receiver.setSide(new Receiver.Side() {
            @Override
            public void connectionMessage(SequencedFrame frame) throws ProtocolException {
                onConnectionMessage(frame);
            }

            @Override
            public void closedWhileOpening(Connection c) {
                onClosedWhileOpening(c);
            }
        });
    }

    // ------------------------------------------------------------------ inputs

    /** A frame arrived on the attached transport. */
    public final List<Effect> receive(Frame frame) {
        if (state.link == Link.DETACHED) {
            return state.drain(); // a transport the engine already dropped; its leftovers mean nothing
        }
        liveness.received();
        try {
            if (state.link == Link.HANDSHAKING) {
                onHandshakeAnswer(frame);
            } else if (frame instanceof SequencedFrame s) {
                receiver.onSequenced(s);
            } else if (frame instanceof Ack a) {
                receiver.onAck(a);
            } else if (frame instanceof Keepalive k) {
                if (Extensions.isHello(k)) {
                    onHello();
                }
                receiver.onKeepalive(k);
            } else {
                throw new ProtocolException(ProtocolViolation.SECOND_HANDSHAKE, frame.toString());
            }
            afterReceive();
        } catch (ProtocolException e) {
            state.emit(new Effect.ProtocolError(e));
            detach();
        }
        return state.drain();
    }

    /**
     * Bytes read from connection {@code id}'s local socket. The engine takes them over: a
     * pooled read ({@link Payloads}) is released once the peer has acked it, or dropped.
     */
    public final List<Effect> write(int id, Buffer bytes) {
        Connection c = disposed ? null : state.connections.get(id);
        if (c != null && !c.socketGone && !c.localInputEnded() && bytes.length() > 0) {
            sender.write(c, bytes);
        } else {
            Payloads.release(bytes);
        }
        return state.drain();
    }

    /** Connection {@code id}'s local socket ended its input (FIN). */
    public final List<Effect> localEof(int id) {
        Connection c = state.connections.get(id);
        if (c != null && !c.socketGone && c.outbound == Connection.Outbound.SENDING) {
            c.outbound = Connection.Outbound.EOF_PENDING;
            sender.trySend(c);
        }
        return state.drain();
    }

    /**
     * Connection {@code id}'s local socket is gone (closed or failed). After its EOF that is the
     * end of a complete stream: what it sent still goes out, then EOF, then Connection Closed.
     * Before its EOF it is an abort: pending bytes are dropped and Closed goes at once.
     */
    public final List<Effect> localClosed(int id) {
        Connection c = state.connections.get(id);
        if (c != null && !c.socketGone) {
            c.socketGone = true;
            if (c.outbound == Connection.Outbound.EOF_PENDING) {
                c.outbound = Connection.Outbound.EOF_THEN_CLOSE;
                sender.trySend(c);
            } else {
                sender.sendClosed(c);
            }
        }
        return state.drain();
    }

    /** {@code bytes} delivered on connection {@code id} were written out to its local socket. */
    public final List<Effect> consumed(int id, int bytes) {
        Connection c = state.connections.get(id);
        if (c != null) {
            receiver.consumed(c, bytes);
        }
        return state.drain();
    }

    /**
     * The transport's write queue filled up (true) or drained (false): while it is full, nothing
     * more is framed and no local socket is read, so a peer that stops reading cannot make this
     * side queue without bound.
     */
    public final List<Effect> transportCongested(boolean congested) {
        state.congested = congested;
        if (!congested) {
            sender.releaseBlocked();
        } else {
            for (Connection c : new ArrayList<>(state.connections.values())) {
                sender.trySend(c); // re-evaluates reading: every socket pauses
            }
        }
        return state.drain();
    }

    /** Bytes this side holds of its local sockets' data: read and not framed, or sent and not acked. */
    public final long bufferedBytes() {
        return sender.buffered();
    }

    /**
     * Whether an Ack is owed for what was received. The edge sends it with {@link #flush}
     * soon after a batch of input: at once, or a little later (within a few milliseconds, as
     * PROTOCOL.md allows), when anything this engine sends meanwhile carries it anyway.
     */
    public final boolean ackOwed() {
        return receiver.ackOwed();
    }

    /** The edge has handled a batch of input: send the coalesced Ack now. */
    public final List<Effect> flush() {
        receiver.flushAck();
        return state.drain();
    }

    /** Time passes: keepalives, dead-link detection. Call it every {@link EngineConfig#tickMillis()}. */
    public final List<Effect> tick(long nowMillis) {
        Liveness.Due due = liveness.tick(nowMillis);
        if (due == Liveness.Due.DEAD) {
            state.emit(new Effect.TransportDead(liveness.silentMillis(nowMillis)));
            detach();
            return state.drain();
        }
        if (state.link != Link.DETACHED) {
            receiver.flushAck();
        }
        if (due == Liveness.Due.KEEPALIVE) {
            sender.sendKeepalive();
            liveness.keepaliveSent(nowMillis);
        }
        return state.drain();
    }

    /** The transport is gone: the session detaches and keeps everything for a resume. */
    public final List<Effect> transportLost() {
        detach();
        return state.drain();
    }

    // ------------------------------------------------------------------ queries

    public final Link link() {
        return state.link;
    }

    public final long clientId() {
        return state.clientId;
    }

    /** Connections in the table: open, opening, or closing and not yet acked. */
    public final int connectionCount() {
        return state.connections.size();
    }

    public final boolean hasConnection(int id) {
        return state.connections.containsKey(id);
    }

    /** The last peer message handled, as the handshake reports it. */
    public final int lastHandled() {
        return receiver.lastHandled;
    }

    /** The id our next sequenced message gets. */
    public final int nextMessageId() {
        return state.log.nextId();
    }

    /** Our sent-but-unacked sequenced frames, oldest first (what a session record replicates). */
    public final List<SequencedFrame> unackedFrames() {
        List<SequencedFrame> out = new ArrayList<>(state.log.size());
        for (OutboundLog.Entry e : state.log.entries()) {
            out.add(e.frame());
        }
        return out;
    }

    public final int unackedCount() {
        return sender.unackedCount();
    }

    /** Bytes held for connection {@code id} not yet framed (for tests of the memory bound). */
    public final long pendingBytes(int id) {
        Connection c = state.connections.get(id);
        return c == null ? 0 : c.pendingBytes;
    }

    /** Our send limit minus bytes sent on {@code id} (what the peer still lets us send). */
    public final long sendRoom(int id) {
        Connection c = state.connections.get(id);
        return c == null ? 0 : c.sendRoom();
    }

    /** Received bytes not yet consumed by the local socket on {@code id}. */
    public final long unconsumedBytes(int id) {
        Connection c = state.connections.get(id);
        return c == null ? 0 : c.receivedBytes - c.consumedBytes;
    }

    // ------------------------------------------------------------------ side-specific hooks

    /** Client: the answer to Start/Reconnect. The server engine is never HANDSHAKING. */
    void onHandshakeAnswer(Frame frame) throws ProtocolException {
        throw new IllegalStateException("not handshaking");
    }

    /** Handles a sequenced frame only this side's peer sends (New Connection, Connected, …). */
    abstract void onConnectionMessage(SequencedFrame frame) throws ProtocolException;

    /** The peer's Connection Closed came for a connection that never opened (its socket is marked gone). */
    abstract void onClosedWhileOpening(Connection c);

    /** The peer said hello on connection 0 (the extension's negotiation, {@link Extensions}). */
    abstract void onHello();

    /** After each frame received and handled on an attached transport. */
    void afterReceive() {
    }

    // ------------------------------------------------------------------ attach / detach

    /** A transport is attached: the timers restart. */
    final void markAttached(long nowMillis) {
        liveness.restart(nowMillis);
    }

    /**
     * The handshake is done: the peer has handled our messages through {@code peerLastAcked}
     * and we told it we handled through {@link Receiver#lastHandled}. Retransmit the rest in
     * order, with windows re-stamped to the values current now, then one Keepalive per open
     * connection so no sender waits for a window update the broken transport swallowed.
     */
    final void resumeFrom(int peerLastAcked, boolean resumed) throws ProtocolException {
        int covered = state.log.coverage(peerLastAcked);
        if (covered < 0) {
            throw new ProtocolException(ProtocolViolation.ACK_OF_UNSENT, "handshake acks "
                    + Serial16.hex(peerLastAcked) + " but the latest sent is " + Serial16.hex(state.log.lastAssigned()));
        }
        state.log.ack(covered, sender::acked);
        sender.afterAck();
        receiver.handshakeAcked();
        state.link = Link.ATTACHED;
        state.congested = false; // a new transport starts with an empty write queue
        int retransmitted = sender.retransmit();
        for (Connection c : state.connections.values()) {
            if (c.open()) {
                state.send(new Keepalive(state.log.lastAssigned(), c.id, state.grant(c)));
            }
        }
        state.emit(new Effect.Established(resumed, retransmitted));
        sender.releaseBlocked();
        for (Connection c : new ArrayList<>(state.connections.values())) {
            sender.trySend(c);
        }
    }

    private void detach() {
        state.link = Link.DETACHED;
        receiver.detached();
    }

    /** Forgets the whole session (client after a rejection): ids restart at 0. */
    final void resetSession() {
        sender.reset(); // first: it gives back what the connections read
        state.connections.clear();
        state.log.reset();
        receiver.reset();
    }

    /**
     * The owner is done with this engine (the session ended, moved or was dropped): every read
     * it holds, pending or unacked, goes back to its pool. Bytes written after this are released
     * at once; nothing else may be asked of it.
     */
    public final void dispose() {
        if (!disposed) {
            disposed = true;
            sender.reset();
            state.log.reset();
            state.link = Link.DETACHED;
            state.drain();
        }
    }
}
