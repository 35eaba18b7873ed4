package io.reconnector.protocol.engine;

import io.reconnector.protocol.ProtocolException;
import io.reconnector.protocol.ProtocolViolation;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Ack;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Frame;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.SequencedFrame;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The protocol state machine of one side of one session (PROTOCOL.md §2–§6). It does no I/O
 * and reads no clock: each input returns the {@link Effect}s it caused, and time arrives
 * through {@link #tick(long)}. The client and server engines add their handshake and their
 * side's connection messages.
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

    protected final long clientId;
    protected final EngineConfig config;
    protected final Map<Integer, Connection> connections = new HashMap<>();
    protected final OutboundLog log = new OutboundLog();
    /** Control frames waiting for an id while the unacked limit is reached. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Connections with data held back only by the unacked limit. */
    private final LinkedHashSet<Connection> blocked = new LinkedHashSet<>();
    /** Connections that received data since our last Ack. */
    private final ArrayList<Connection> unackedData = new ArrayList<>();

    protected Link link = Link.DETACHED;
    /** The last peer message handled (0xFFFF before any). */
    protected int lastHandled = Serial16.NONE;
    /** The connection that message belongs to, if it still exists. */
    private Connection lastHandledConnection;
    private boolean ackDue;
    private int handledSinceAck;
    /**
     * Set when a session is taken over from a record that may lag the wire: the peer's stream
     * may continue past ids the record knows, so the first new id is accepted as the new base.
     */
    protected boolean acceptOneJump;

    private long lastSentAt;
    private long lastReceivedAt;
    private boolean sentSinceTick;
    private boolean receivedSinceTick;

    private List<Effect> effects = new ArrayList<>();

    private record Waiting(IntFunction<SequencedFrame> make, Connection connection) {
    }

    protected SessionEngine(long clientId, EngineConfig config) {
        this.clientId = clientId;
        this.config = config;
    }

    // ------------------------------------------------------------------ inputs

    /** A frame arrived on the attached transport. */
    public final List<Effect> receive(Frame frame) {
        if (link == Link.DETACHED) {
            return drain(); // a transport the engine already dropped; its leftovers mean nothing
        }
        receivedSinceTick = true;
        try {
            if (link == Link.HANDSHAKING) {
                onHandshakeAnswer(frame);
            } else if (frame instanceof SequencedFrame s) {
                onSequenced(s);
            } else if (frame instanceof Ack a) {
                onAck(a);
            } else if (frame instanceof Keepalive k) {
                onKeepalive(k);
            } else {
                throw new ProtocolException(ProtocolViolation.SECOND_HANDSHAKE, frame.toString());
            }
        } catch (ProtocolException e) {
            effects.add(new Effect.ProtocolError(e));
            detach();
        }
        return drain();
    }

    /** Bytes read from connection {@code id}'s local socket. */
    public final List<Effect> write(int id, Buffer bytes) {
        Connection c = connections.get(id);
        if (c != null && !c.localGone && !c.eofPending && !c.eofSent && bytes.length() > 0) {
            c.pending.addLast(bytes);
            c.pendingBytes += bytes.length();
            trySend(c);
        }
        return drain();
    }

    /** Connection {@code id}'s local socket ended its input (FIN). */
    public final List<Effect> localEof(int id) {
        Connection c = connections.get(id);
        if (c != null && !c.localGone && !c.eofSent) {
            c.eofPending = true;
            trySend(c);
        }
        return drain();
    }

    /**
     * Connection {@code id}'s local socket is gone (closed or failed). After its EOF that is the
     * end of a complete stream: what it sent still goes out, then EOF, then Connection Closed.
     * Before its EOF it is an abort: pending bytes are dropped and Closed goes at once.
     */
    public final List<Effect> localClosed(int id) {
        Connection c = connections.get(id);
        if (c != null && !c.localGone) {
            c.localGone = true;
            if (c.eofPending) {
                c.closeAfterEof = true;
                trySend(c);
            } else {
                sendClosed(c);
            }
        }
        return drain();
    }

    /** {@code bytes} delivered on connection {@code id} were written out to its local socket. */
    public final List<Effect> consumed(int id, int bytes) {
        Connection c = connections.get(id);
        if (c != null) {
            c.consumedBytes += bytes;
            if (link == Link.ATTACHED && c.acceptsData()
                    && c.grantableGrowth(config.receiveWindowBytes()) >= config.receiveWindowBytes() / 4) {
                if (ackDue && lastHandledConnection == c) {
                    sendAck();
                } else {
                    send(new Keepalive(log.lastAssigned(), c.id, c.grantWindow(config.receiveWindowBytes())));
                }
            }
        }
        return drain();
    }

    /** The edge has handled a batch of input: send the coalesced Ack now. */
    public final List<Effect> flush() {
        if (ackDue) {
            sendAck();
        }
        return drain();
    }

    /** Time passes: keepalives, dead-link detection. Call it a few times per keepalive interval. */
    public final List<Effect> tick(long nowMillis) {
        if (receivedSinceTick) {
            lastReceivedAt = nowMillis;
            receivedSinceTick = false;
        }
        if (sentSinceTick) {
            lastSentAt = nowMillis;
            sentSinceTick = false;
        }
        if (link == Link.DETACHED) {
            return drain();
        }
        long silent = nowMillis - lastReceivedAt;
        if (silent >= config.deadMillis()) {
            effects.add(new Effect.TransportDead(silent));
            detach();
            return drain();
        }
        if (ackDue) {
            sendAck();
        }
        if (link == Link.ATTACHED && nowMillis - lastSentAt >= config.keepaliveMillis()) {
            sendKeepalive();
            lastSentAt = nowMillis;
            sentSinceTick = false;
        }
        return drain();
    }

    /** The transport is gone: the session detaches and keeps everything for a resume. */
    public final List<Effect> transportLost() {
        detach();
        return drain();
    }

    // ------------------------------------------------------------------ queries

    public final Link link() {
        return link;
    }

    public final long clientId() {
        return clientId;
    }

    /** Connections in the table: open, opening, or closing and not yet acked. */
    public final int connectionCount() {
        return connections.size();
    }

    public final boolean hasConnection(int id) {
        return connections.containsKey(id);
    }

    /** The last peer message handled, as the handshake reports it. */
    public final int lastHandled() {
        return lastHandled;
    }

    /** The id our next sequenced message gets. */
    public final int nextMessageId() {
        return log.nextId();
    }

    /** Our sent-but-unacked sequenced frames, oldest first (what a session record replicates). */
    public final List<SequencedFrame> unackedFrames() {
        List<SequencedFrame> out = new ArrayList<>(log.size());
        for (OutboundLog.Entry e : log.entries()) {
            out.add(e.frame());
        }
        return out;
    }

    public final int unackedCount() {
        return log.size() + waiting.size();
    }

    /** Bytes held for connection {@code id} not yet framed (for tests of the memory bound). */
    public final long pendingBytes(int id) {
        Connection c = connections.get(id);
        return c == null ? 0 : c.pendingBytes;
    }

    /** Our send limit minus bytes sent on {@code id} (what the peer still lets us send). */
    public final long sendRoom(int id) {
        Connection c = connections.get(id);
        return c == null ? 0 : c.sendRoom();
    }

    /** Received bytes not yet consumed by the local socket on {@code id}. */
    public final long unconsumedBytes(int id) {
        Connection c = connections.get(id);
        return c == null ? 0 : c.receivedBytes - c.consumedBytes;
    }

    // ------------------------------------------------------------------ side-specific hooks

    /** Client: the answer to Start/Reconnect. The server engine is never HANDSHAKING. */
    protected void onHandshakeAnswer(Frame frame) throws ProtocolException {
        throw new IllegalStateException("not handshaking");
    }

    /** Handles a sequenced frame only this side's peer sends (New Connection, Connected, …). */
    protected abstract void onConnectionMessage(SequencedFrame frame) throws ProtocolException;

    // ------------------------------------------------------------------ receiving

    private void onSequenced(SequencedFrame s) throws ProtocolException {
        int d = Serial16.distance(lastHandled, s.messageId());
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
                    + ", got " + Serial16.hex(s.messageId()));
        }
        lastHandled = s.messageId();
        // Any Ack sent from here on (even from inside the handler) carries this connection's window.
        lastHandledConnection = connections.get(s.connectionId());
        ackDue = true;
        handledSinceAck++;
        if (s instanceof Data data) {
            onData(data);
        } else if (s instanceof ConnectionEof eof) {
            onEof(eof);
        } else if (s instanceof ConnectionClosed closed) {
            onClosed(closed);
        } else {
            onConnectionMessage(s);
        }
        lastHandledConnection = connections.get(s.connectionId());
        if (handledSinceAck >= config.ackEveryMessages()) {
            sendAck();
        }
    }

    private void onData(Data d) {
        Connection c = connections.get(d.connectionId());
        if (c == null || c.closing()) {
            return; // data for a closed or unknown connection is acked and ignored
        }
        if (!c.acceptsData()) {
            abort(c, c.eofReceived ? "peer sent data after its EOF" : "peer sent data before the connection opened");
            return;
        }
        if (c.receivedBytes + d.length() > c.grantedLimit) {
            abort(c, "peer sent " + (c.receivedBytes + d.length() - c.grantedLimit) + " bytes past its send limit");
            return;
        }
        if (c.receivedBytes == c.ackedSentBytes) {
            unackedData.add(c);
        }
        c.receivedBytes += d.length();
        c.applyWindow(d.window());
        effects.add(new Effect.Deliver(c.id, d.payload()));
        trySend(c);
        if (c.receivedBytes - c.ackedSentBytes >= config.receiveWindowBytes() / 4) {
            sendAck();
        }
    }

    private void onEof(ConnectionEof eof) {
        Connection c = connections.get(eof.connectionId());
        if (c == null || c.closing() || c.eofReceived) {
            return;
        }
        c.eofReceived = true;
        if (c.phase == Connection.Phase.OPEN) {
            effects.add(new Effect.DeliverEof(c.id));
        }
        if (c.eofSent) {
            // Both directions have ended: the side whose received EOF completes the pair closes.
            effects.add(new Effect.CloseConnection(c.id, "both directions ended", true));
            c.localGone = true;
            sendClosed(c);
        }
    }

    private void onClosed(ConnectionClosed closed) {
        Connection c = connections.remove(closed.connectionId());
        if (c == null) {
            return;
        }
        blocked.remove(c);
        if (!c.localGone) {
            c.localGone = true;
            effects.add(c.phase == Connection.Phase.OPENING
                    ? new Effect.ConnectResult(c.id, ConnectFailed.EHOSTUNREACH)
                    // Closed after the peer's EOF ends a finished stream; before it, the far end failed.
                    : new Effect.CloseConnection(c.id, c.eofReceived ? "closed by peer" : "aborted by peer",
                            c.eofReceived));
        }
        onRemoved(c);
    }

    /** A connection left the table (hook for the server to forget a dial in flight). */
    protected void onRemoved(Connection c) {
    }

    private void onAck(Ack a) throws ProtocolException {
        int covered = log.coverage(a.messageId());
        if (covered < 0) {
            throw new ProtocolException(ProtocolViolation.ACK_OF_UNSENT, Serial16.hex(a.messageId())
                    + " (latest sent " + Serial16.hex(log.lastAssigned()) + ")");
        }
        log.ack(covered, this::onAcked);
        if (a.messageId() == log.ackedThrough()) {
            // An Ack of an older id than the latest acked no longer names a known connection.
            applyWindow(log.ackedThroughConnection(), a.window());
        }
        releaseBlocked();
    }

    private void onAcked(OutboundLog.Entry e) {
        Connection c = e.connection();
        SequencedFrame f = e.frame();
        if (f instanceof Data d) {
            c.ackedBytes += d.length();
        } else if (f.messageId() == c.closeMessageId && connections.get(c.id) == c) {
            connections.remove(c.id); // our Closed / Connect Failed is acked: the id is free again
            blocked.remove(c);
            onRemoved(c);
        }
    }

    private void onKeepalive(Keepalive k) {
        applyWindow(connections.get(k.connectionId()), k.window());
    }

    private void applyWindow(Connection c, int window) {
        if (c != null && connections.get(c.id) == c && c.phase == Connection.Phase.OPEN && !c.closing()) {
            c.applyWindow(window);
            trySend(c);
        }
    }

    // ------------------------------------------------------------------ sending

    /** Frames and sends what the window and the unacked limit allow; then EOF if asked for. */
    protected final void trySend(Connection c) {
        if (c.phase == Connection.Phase.OPEN && !c.closing()) {
            while (c.pendingBytes > 0 && c.sendRoom() > 0) {
                if (!logHasRoom()) {
                    blocked.add(c);
                    break;
                }
                int n = (int) Math.min(Math.min(c.sendRoom(), c.pendingBytes), config.maxDataFrame());
                Buffer payload = takePending(c, n);
                c.sentBytes += n;
                appendSequenced(id -> new Data(id, c.id, c.grantWindow(config.receiveWindowBytes()), payload), c);
            }
            if (c.pendingBytes == 0 && c.eofPending) {
                c.eofPending = false;
                c.eofSent = true;
                appendSequenced(id -> new ConnectionEof(id, c.id), c);
                if (c.closeAfterEof) {
                    sendClosed(c);
                }
            }
        }
        updateReading(c);
    }

    private void updateReading(Connection c) {
        if (c.localGone) {
            return;
        }
        boolean want = c.phase == Connection.Phase.OPEN && !c.closing() && !c.eofPending && !c.eofSent
                && c.pendingBytes == 0 && c.sendRoom() > 0 && logHasRoom();
        if (want != c.reading) {
            c.reading = want;
            effects.add(want ? new Effect.ResumeReading(c.id) : new Effect.PauseReading(c.id));
        }
    }

    private static Buffer takePending(Connection c, int n) {
        Buffer first = c.pending.peekFirst();
        if (first.length() == n) {
            c.pending.removeFirst();
            c.pendingBytes -= n;
            return first;
        }
        if (first.length() > n) {
            c.pending.removeFirst();
            c.pending.addFirst(first.getBuffer(n, first.length()));
            c.pendingBytes -= n;
            return first.getBuffer(0, n);
        }
        Buffer out = Buffer.buffer(n);
        while (out.length() < n) {
            Buffer b = c.pending.removeFirst();
            int take = Math.min(b.length(), n - out.length());
            out.appendBuffer(b, 0, take);
            if (take < b.length()) {
                c.pending.addFirst(b.getBuffer(take, b.length()));
            }
        }
        c.pendingBytes -= n;
        return out;
    }

    private boolean logHasRoom() {
        return waiting.isEmpty() && log.size() < config.maxUnacked();
    }

    /** Gives the frame the next id, logs it, and sends it if a transport is attached. */
    protected final int appendSequenced(IntFunction<SequencedFrame> make, Connection c) {
        if (!logHasRoom()) {
            waiting.addLast(new Waiting(make, c));
            return -1;
        }
        SequencedFrame f = make.apply(log.nextId());
        log.append(f, c);
        if (link == Link.ATTACHED) {
            send(f);
        }
        return f.messageId();
    }

    /** Sends Connection Closed (or records it waiting for an id) and forgets pending data. */
    protected final void sendClosed(Connection c) {
        if (c.closing()) {
            return;
        }
        c.pending.clear();
        c.pendingBytes = 0;
        c.eofPending = false;
        blocked.remove(c);
        c.closeMessageId = Integer.MAX_VALUE; // closing from now on, whatever id it gets
        int id = appendSequenced(mid -> {
            c.closeMessageId = mid;
            return new ConnectionClosed(mid, c.id);
        }, c);
        if (id >= 0) {
            c.closeMessageId = id;
        }
    }

    /** A peer broke the flow-control rules on {@code c}: close that connection only. */
    private void abort(Connection c, String reason) {
        if (!c.localGone) {
            c.localGone = true;
            effects.add(new Effect.CloseConnection(c.id, reason, false));
        }
        sendClosed(c);
    }

    private void releaseBlocked() {
        while (!waiting.isEmpty() && log.size() < config.maxUnacked()) {
            Waiting w = waiting.removeFirst();
            SequencedFrame f = w.make().apply(log.nextId());
            log.append(f, w.connection());
            if (link == Link.ATTACHED) {
                send(f);
            }
        }
        if (!blocked.isEmpty() && logHasRoom()) {
            List<Connection> retry = new ArrayList<>(blocked);
            blocked.clear();
            for (Connection c : retry) {
                trySend(c);
            }
        }
    }

    protected final void send(Frame f) {
        effects.add(new Effect.Send(f));
        sentSinceTick = true;
    }

    private void sendAck() {
        if (link != Link.ATTACHED) {
            return;
        }
        for (Connection c : unackedData) {
            c.ackedSentBytes = c.receivedBytes;
        }
        unackedData.clear();
        Connection c = lastHandledConnection;
        int window = c != null && connections.get(c.id) == c ? c.grantWindow(config.receiveWindowBytes()) : 0;
        send(new Ack(lastHandled, window));
        ackDue = false;
        handledSinceAck = 0;
    }

    private void sendKeepalive() {
        for (Connection c : connections.values()) {
            if (c.phase == Connection.Phase.OPEN && !c.closing()) {
                send(new Keepalive(log.lastAssigned(), c.id, c.grantWindow(config.receiveWindowBytes())));
                return;
            }
        }
        send(new Keepalive(log.lastAssigned(), 0, 0));
    }

    // ------------------------------------------------------------------ attach / detach

    protected final void markAttached(long nowMillis) {
        lastReceivedAt = nowMillis;
        lastSentAt = nowMillis;
        receivedSinceTick = false;
        sentSinceTick = false;
    }

    /**
     * The handshake is done: the peer has handled our messages through {@code peerLastAcked}
     * and we told it we handled through {@link #lastHandled}. Retransmit the rest in order,
     * with windows re-stamped to the values current now, then one Keepalive per open connection
     * so no sender waits for a window update the broken transport swallowed.
     */
    protected final void resumeFrom(int peerLastAcked, boolean resumed) throws ProtocolException {
        int covered = log.coverage(peerLastAcked);
        if (covered < 0) {
            throw new ProtocolException(ProtocolViolation.ACK_OF_UNSENT, "handshake acks "
                    + Serial16.hex(peerLastAcked) + " but the latest sent is " + Serial16.hex(log.lastAssigned()));
        }
        log.ack(covered, this::onAcked);
        for (Connection c : connections.values()) {
            c.ackedSentBytes = c.receivedBytes; // the handshake acked everything we handled
        }
        unackedData.clear();
        ackDue = false;
        handledSinceAck = 0;
        link = Link.ATTACHED;
        int retransmitted = 0;
        for (OutboundLog.Entry e : log.restampAll(this::restamp)) {
            send(e.frame());
            retransmitted++;
        }
        for (Connection c : connections.values()) {
            if (c.phase == Connection.Phase.OPEN && !c.closing()) {
                send(new Keepalive(log.lastAssigned(), c.id, c.grantWindow(config.receiveWindowBytes())));
            }
        }
        effects.add(new Effect.Established(resumed, retransmitted));
        releaseBlocked();
        for (Connection c : new ArrayList<>(connections.values())) {
            trySend(c);
        }
    }

    private OutboundLog.Entry restamp(OutboundLog.Entry e) {
        Connection c = e.connection();
        SequencedFrame f = e.frame();
        int window = c.grantWindow(config.receiveWindowBytes());
        if (f instanceof Data d && d.window() != window) {
            return new OutboundLog.Entry(new Data(d.messageId(), d.connectionId(), window, d.payload()), c);
        }
        if (f instanceof Connected k && k.window() != window) {
            return new OutboundLog.Entry(new Connected(k.messageId(), k.connectionId(), window), c);
        }
        return e;
    }

    private void detach() {
        link = Link.DETACHED;
        ackDue = false;
        handledSinceAck = 0;
    }

    /** Forgets the whole session (client after a rejection): ids restart at 0. */
    protected final void resetSession() {
        connections.clear();
        log.reset();
        waiting.clear();
        blocked.clear();
        unackedData.clear();
        lastHandled = Serial16.NONE;
        lastHandledConnection = null;
        ackDue = false;
        handledSinceAck = 0;
    }

    /** Sends the pending Ack before a message that reuses an id the peer freed (§4). */
    protected final void flushAckBeforeReuse() {
        if (ackDue) {
            sendAck();
        }
    }

    protected final void emit(Effect e) {
        effects.add(e);
    }

    protected final List<Effect> drain() {
        if (effects.isEmpty()) {
            return List.of();
        }
        List<Effect> out = effects;
        effects = new ArrayList<>();
        return out;
    }
}
