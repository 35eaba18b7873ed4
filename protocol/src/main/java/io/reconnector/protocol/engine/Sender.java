package io.reconnector.protocol.engine;

import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.frame.ConnectFailed;
import io.reconnector.protocol.frame.Connected;
import io.reconnector.protocol.frame.ConnectionClosed;
import io.reconnector.protocol.frame.ConnectionEof;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.Keepalive;
import io.reconnector.protocol.frame.SequencedFrame;
import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Our half of the session (PROTOCOL.md §2, §4, §5): frames application bytes as windows allow,
 * gives every sequenced message its id and keeps it until acked, holds messages back while
 * 32,768 are unacked, and tells the edge when to read or stop reading each local socket.
 */
final class Sender {
    private final SessionState s;
    /** Control frames waiting for an id while the unacked limit is reached. */
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Connections with data held back only by the unacked limit or a congested transport. */
    private final LinkedHashSet<Connection> blocked = new LinkedHashSet<>();
    /** Connections not read only because the session is at its budget or the transport is congested. */
    private final LinkedHashSet<Connection> starved = new LinkedHashSet<>();
    /** Bytes read from local sockets and not yet framed, over all connections. */
    private long pendingTotal;
    /** Connections whose data was acked by the Ack being handled. */
    private final LinkedHashSet<Connection> relieved = new LinkedHashSet<>();

    private record Waiting(IntFunction<SequencedFrame> make, Connection connection) {
    }

    Sender(SessionState s) {
        this.s = s;
    }

    /** Application bytes read from {@code c}'s local socket. */
    void write(Connection c, Buffer bytes) {
        boolean couldRead = mayRead();
        c.pending.addLast(bytes);
        c.pendingBytes += bytes.length();
        pendingTotal += bytes.length();
        trySend(c);
        if (couldRead && !mayRead()) {
            // The session just reached its budget: every socket stops, not only this one, or
            // each reading socket could add a read's worth beyond it.
            for (Connection other : new ArrayList<>(s.connections.values())) {
                if (other.reading) {
                    updateReading(other);
                }
            }
        }
    }

    /** What this session holds of local sockets' data: read and not framed, or sent and not acked. */
    long buffered() {
        return pendingTotal + s.log.dataBytes();
    }

    /** May local sockets be read at all now (budget, unacked limit, transport)? */
    private boolean mayRead() {
        return !s.congested && buffered() < s.config.bufferBudgetBytes() && logHasRoom();
    }

    /** Frames and sends what the window and the unacked limit allow; then EOF if asked for. */
    void trySend(Connection c) {
        if (c.open()) {
            while (c.pendingBytes > 0 && room(c) > 0) {
                if (!logHasRoom() || s.congested) {
                    blocked.add(c);
                    break;
                }
                int n = (int) Math.min(Math.min(room(c), c.pendingBytes), s.config.maxDataFrame());
                Buffer payload = takePending(c, n);
                pendingTotal -= n;
                c.sentBytes += n;
                append(id -> new Data(id, c.id, s.grant(c), payload), c);
            }
            if (c.pendingBytes == 0 && (c.outbound == Connection.Outbound.EOF_PENDING
                    || c.outbound == Connection.Outbound.EOF_THEN_CLOSE)) {
                boolean thenClose = c.outbound == Connection.Outbound.EOF_THEN_CLOSE;
                c.outbound = Connection.Outbound.EOF_SENT;
                append(id -> new ConnectionEof(id, c.id), c);
                if (thenClose) {
                    sendClosed(c);
                }
            }
        }
        updateReading(c);
    }

    /** A window for {@code c} arrived: a new send limit, if the connection is still open. */
    void applyWindow(Connection c, int window) {
        if (s.current(c) && c.open()) {
            c.applyWindow(window);
            trySend(c);
        }
    }

    private void updateReading(Connection c) {
        if (c.socketGone) {
            starved.remove(c);
            return;
        }
        boolean ready = c.open() && !c.localInputEnded() && c.pendingBytes == 0 && room(c) > 0;
        boolean want = ready && mayRead();
        if (ready && !want) {
            starved.add(c);
        } else {
            starved.remove(c);
        }
        if (want != c.reading) {
            c.reading = want;
            s.emit(want ? new Effect.ResumeReading(c.id) : new Effect.PauseReading(c.id));
        }
    }

    private long room(Connection c) {
        return c.sendRoom(s.config.sendCapBytes());
    }

    /**
     * The next {@code n} pending bytes of {@code c}, as slices of the buffers they were read
     * into, not copies: the socket's reads are ours and never written again, and every byte of
     * a read buffer is pending or in flight, so a slice holds nothing the budget does not count.
     * A read may be pooled memory ({@link Payloads}): each payload holds a reference of its own,
     * and what stays pending keeps the read's.
     */
    private static Buffer takePending(Connection c, int n) {
        c.pendingBytes -= n;
        Buffer first = c.pending.peekFirst();
        if (first.length() == n) {
            return c.pending.removeFirst();
        }
        if (first.length() > n) {
            c.pending.removeFirst();
            c.pending.addFirst(first.slice(n, first.length()));
            return Payloads.retainedSlice(first, 0, n);
        }
        List<Buffer> parts = new ArrayList<>();
        int taken = 0;
        while (taken < n) {
            Buffer b = c.pending.removeFirst();
            int take = Math.min(b.length(), n - taken);
            if (take == b.length()) {
                parts.add(b);
            } else {
                parts.add(Payloads.retainedSlice(b, 0, take));
                c.pending.addFirst(b.slice(take, b.length()));
            }
            taken += take;
        }
        return Payloads.join(parts);
    }

    /** Gives back what {@code c} read and did not frame. */
    private void dropPending(Connection c) {
        pendingTotal -= c.pendingBytes;
        c.pendingBytes = 0;
        Buffer b;
        while ((b = c.pending.pollFirst()) != null) {
            Payloads.release(b);
        }
    }

    private boolean logHasRoom() {
        return waiting.isEmpty() && s.log.size() < s.config.maxUnacked();
    }

    /**
     * Gives the frame the next id, logs it, and sends it if a transport is attached; while the
     * unacked limit is reached it waits, in order, for acks.
     */
    void append(IntFunction<SequencedFrame> make, Connection c) {
        if (!logHasRoom()) {
            waiting.addLast(new Waiting(make, c));
            return;
        }
        SequencedFrame f = make.apply(s.log.nextId());
        s.log.append(f, c);
        if (s.attached()) {
            s.send(f);
        }
    }

    /** Sends Connection Closed (now or when an id is free) and forgets pending data. */
    void sendClosed(Connection c) {
        if (c.closing()) {
            return;
        }
        dropPending(c);
        blocked.remove(c);
        starved.remove(c);
        c.state = Connection.State.CLOSING;
        append(id -> new ConnectionClosed(id, c.id), c);
    }

    /** Server only: the dial failed; Connect Failed ends the connection like a Closed. */
    void sendConnectFailed(Connection c, int errno) {
        c.socketGone = true;
        c.state = Connection.State.CLOSING;
        append(id -> new ConnectFailed(id, c.id, errno), c);
    }

    /** A peer broke the flow-control rules on {@code c}: reset its socket and close that connection only. */
    void abort(Connection c, CloseReason why) {
        if (!c.socketGone) {
            c.socketGone = true;
            s.emit(new Effect.CloseConnection(c.id, why));
        }
        sendClosed(c);
    }

    /** One of our messages was acked: credit its connection, or free the id its Closed ended. */
    void acked(OutboundLog.Entry e) {
        Connection c = e.connection();
        SequencedFrame f = e.frame();
        if (f instanceof Data d) {
            c.ackedBytes += d.length();
            relieved.add(c); // fewer bytes in flight: the cap may allow more
        } else if ((f instanceof ConnectionClosed || f instanceof ConnectFailed) && s.current(c)) {
            s.connections.remove(c.id); // our last word on it is acked: the id is free again
            blocked.remove(c);
        }
    }

    /** The peer's Closed removed {@code c}: it waits for nothing any more. */
    void forget(Connection c) {
        dropPending(c);
        blocked.remove(c);
        starved.remove(c);
    }

    /** An Ack was handled: connections with fewer bytes in flight may send again, then whatever waited. */
    void afterAck() {
        if (!relieved.isEmpty()) {
            List<Connection> again = new ArrayList<>(relieved);
            relieved.clear();
            for (Connection c : again) {
                if (s.current(c)) {
                    trySend(c);
                }
            }
        }
        releaseBlocked();
    }

    /** Acks made room: send what waited for an id, then the connections held back. */
    void releaseBlocked() {
        while (!waiting.isEmpty() && s.log.size() < s.config.maxUnacked()) {
            Waiting w = waiting.removeFirst();
            SequencedFrame f = w.make().apply(s.log.nextId());
            s.log.append(f, w.connection());
            if (s.attached()) {
                s.send(f);
            }
        }
        if (!blocked.isEmpty() && logHasRoom() && !s.congested) {
            List<Connection> retry = new ArrayList<>(blocked);
            blocked.clear();
            for (Connection c : retry) {
                trySend(c);
            }
        }
        if (!starved.isEmpty() && mayRead()) {
            for (Connection c : new ArrayList<>(starved)) {
                updateReading(c);
            }
        }
    }

    /** A Keepalive for the first open connection (with its window), or for none. */
    void sendKeepalive() {
        for (Connection c : s.connections.values()) {
            if (c.open()) {
                s.send(new Keepalive(s.log.lastAssigned(), c.id, s.grant(c)));
                return;
            }
        }
        s.send(new Keepalive(s.log.lastAssigned(), Keepalive.NO_CONNECTION, 0));
    }

    /**
     * After a handshake: resend every unacked message in order, with windows re-stamped to the
     * values current now (docs/PROTOCOL.md, decision 1); returns how many.
     */
    int retransmit() {
        int n = 0;
        for (OutboundLog.Entry e : s.log.restampAll(this::restamp)) {
            s.send(e.frame());
            n++;
        }
        return n;
    }

    private OutboundLog.Entry restamp(OutboundLog.Entry e) {
        Connection c = e.connection();
        SequencedFrame f = e.frame();
        int window = s.grant(c);
        if (f instanceof Data d && d.window() != window) {
            return new OutboundLog.Entry(new Data(d.messageId(), d.connectionId(), window, d.payload()), c);
        }
        if (f instanceof Connected k && k.window() != window) {
            return new OutboundLog.Entry(new Connected(k.messageId(), k.connectionId(), window), c);
        }
        return e;
    }

    /** Sequenced messages not yet acked, including those still waiting for an id. */
    int unackedCount() {
        return s.log.size() + waiting.size();
    }

    /** Forgets everything (client after a rejection, or the engine dropped): gives back what was read. */
    void reset() {
        for (Connection c : s.connections.values()) {
            dropPending(c);
        }
        waiting.clear();
        blocked.clear();
        starved.clear();
        pendingTotal = 0;
    }
}
