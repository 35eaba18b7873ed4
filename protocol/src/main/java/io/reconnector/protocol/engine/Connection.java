package io.reconnector.protocol.engine;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;

/**
 * One connection's state inside an engine: its phase, and the two flow-control ledgers of
 * PROTOCOL.md §5. All counters are byte counts since the connection opened.
 */
final class Connection {
    enum Phase {
        /** New Connection sent (client) or upstream being dialled (server). */
        OPENING,
        OPEN
    }

    final int id;
    Phase phase = Phase.OPENING;
    /** Client only: the id of this connection's New Connection. */
    int openMessageId = -1;
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
    /** The local socket ended (FIN); Connection EOF goes out once pending data has. */
    boolean eofPending;
    boolean eofSent;
    /** Whether the edge is currently reading the local socket; every connection starts paused. */
    boolean reading;

    // --- receiving side: what we allow the peer (our grants) ---
    /** Peer data bytes we have handled. */
    long receivedBytes;
    /** Of those, the bytes the local socket has taken. */
    long consumedBytes;
    /** Received bytes covered by the last Ack we sent: the base the peer adds our window to. */
    long ackedSentBytes;
    /** The highest limit we have granted; never decreases; the peer may send up to it, no further. */
    long grantedLimit;
    boolean eofReceived;

    // --- closing ---
    /** Id of our Connection Closed or Connect Failed, once sent; the id is free when it is acked. */
    int closeMessageId = -1;
    /** The local socket closed after its EOF: Closed follows the EOF once pending data is out. */
    boolean closeAfterEof;
    /** The local socket is gone (or was told to close): emit no more effects for it. */
    boolean localGone;

    Connection(int id) {
        this.id = id;
    }

    boolean closing() {
        return closeMessageId >= 0;
    }

    /** May the peer's data on this connection be delivered? */
    boolean acceptsData() {
        return phase == Phase.OPEN && !closing() && !eofReceived;
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
        if (phase != Phase.OPEN || closing()) {
            // No grant before Connected (PROTOCOL.md §5) and none after we closed: 0 cannot
            // matter because the peer only applies windows to open connections.
            return 0;
        }
        long base = ackedSentBytes;
        long ceiling = Math.max(grantedLimit, consumedBytes + capacity);
        long w = Math.min(0xFFFF, Math.max(0, ceiling - base) / 256);
        grantedLimit = Math.max(grantedLimit, base + w * 256);
        return (int) w;
    }

    /** How much more we could grant than we have, in bytes: large means an update is worth sending. */
    long grantableGrowth(int capacity) {
        return consumedBytes + capacity - grantedLimit;
    }

    void applyWindow(int window) {
        sendLimit = ackedBytes + (long) window * 256;
    }

    long sendRoom() {
        return sendLimit - sentBytes;
    }

}
