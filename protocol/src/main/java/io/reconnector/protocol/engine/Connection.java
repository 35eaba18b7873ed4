package io.reconnector.protocol.engine;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * One connection's state inside an engine: where it is in its life, how far each direction
 * has got, and the two flow-control ledgers of PROTOCOL.md §5. All counters are byte counts
 * since the connection opened.
 */
final class Connection {
    /** Where the connection is in its life. */
    enum State {
        /** New Connection sent (client) or the upstream being dialled (server): no data yet. */
        OPENING,
        /** Data may flow, each way until that way's EOF. */
        OPEN,
        /**
         * Our Connection Closed (or Connect Failed) is sent or waiting for an id; the connection
         * leaves the table, and its id is free again, once the peer acks that message.
         */
        CLOSING
    }

    /** Our sending half: application bytes out, then at most one EOF. */
    enum Outbound {
        SENDING,
        /** The local socket sent its FIN: Connection EOF goes out once pending bytes have. */
        EOF_PENDING,
        /** The local socket closed after its FIN: Connection EOF, then Connection Closed. */
        EOF_THEN_CLOSE,
        EOF_SENT
    }

    final int id;
    State state = State.OPENING;
    Outbound outbound = Outbound.SENDING;
    /** The peer's Connection EOF arrived: nothing more comes in on this connection. */
    boolean inboundEnded;
    /** The local socket is gone, or has been told to close: emit no more effects for it. */
    boolean socketGone;
    /** Whether the edge is reading the local socket now; every connection starts paused. */
    boolean reading;
    /** Client only: the id our New Connection got; null while it waits for room in the log. */
    Integer openMessageId;
    /** Server only: names the dial in flight, so a stale dial result cannot hit a reused id. */
    long dialToken;

    // --- sending side: what we may send (set by the peer's windows) ---
    /** Bytes we have put in Data frames. */
    long sentBytes;
    /** Bytes of ours the peer has acked. */
    long ackedBytes;
    /** We send only while {@code sentBytes < sendLimit}. */
    long sendLimit;
    /** Application bytes read but not yet framed (limit reached or too many unacked). */
    final ArrayDeque<Buffer> pending = new ArrayDeque<>();
    long pendingBytes;

    // --- receiving side: what we allow the peer (our grants) ---
    /** Peer data bytes we have handled. */
    long receivedBytes;
    /** Of those, the bytes the local socket has taken. */
    long consumedBytes;
    /** Received bytes covered by the last Ack we sent: the base the peer adds our window to. */
    long ackedSentBytes;
    /** The highest limit we have granted; never decreases; the peer may send up to it, no further. */
    long grantedLimit;

    Connection(int id) {
        this.id = id;
    }

    boolean closing() {
        return state == State.CLOSING;
    }

    boolean open() {
        return state == State.OPEN;
    }

    /** May the peer's data on this connection be delivered? */
    boolean acceptsData() {
        return open() && !inboundEnded;
    }

    /** Has the local socket ended its input (EOF pending or sent)? Then nothing more is read from it. */
    boolean localInputEnded() {
        return outbound != Outbound.SENDING;
    }

    /**
     * The window to advertise now, in units of 256 bytes. The peer will compute
     * limit = ackedSentBytes + w × 256; we give the most that stays within
     * max(what we can hold, the highest limit granted before), and enforce against that highest
     * limit. See docs/PROTOCOL.md "Windows are whole 256-byte units": rounding down here can
     * announce up to 255 bytes less than an earlier grant, which a sender obeying either window
     * never notices, while rounding up would let a trickling sender creep past the window.
     */
    int grantWindow(int capacity) {
        if (!open()) {
            // No grant before Connected (PROTOCOL.md §5) and none after we closed: 0 cannot
            // matter because the peer only applies windows to open connections.
            return 0;
        }
        long base = ackedSentBytes;
        long ceiling = Math.max(grantedLimit, consumedBytes + capacity);
        long w = Math.min(Windows.MAX_UNITS, Math.max(0, ceiling - base) / Windows.UNIT);
        grantedLimit = Math.max(grantedLimit, base + w * Windows.UNIT);
        return (int) w;
    }

    /** How much more we could grant than we have, in bytes: large means an update is worth sending. */
    long grantableGrowth(int capacity) {
        return consumedBytes + capacity - grantedLimit;
    }

    void applyWindow(int window) {
        sendLimit = ackedBytes + Windows.bytes(window);
    }

    /** What the peer's window still allows. */
    long sendRoom() {
        return sendLimit - sentBytes;
    }

    /** What we send now: the peer's window, but never more than {@code cap} in flight (sent, not acked). */
    long sendRoom(long cap) {
        return Math.min(sendRoom(), cap - (sentBytes - ackedBytes));
    }
}
