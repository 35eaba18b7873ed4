package io.reconnector.protocol.engine;

import io.reconnector.protocol.Payloads;
import io.reconnector.protocol.Serial16;
import io.reconnector.protocol.frame.Data;
import io.reconnector.protocol.frame.SequencedFrame;

import java.util.ArrayDeque;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Our side's sequence: assigns message ids and keeps every sequenced frame sent and not yet
 * acked, in order, for retransmission after a resume. Each entry remembers the connection
 * object it belongs to, so an ack that arrives after a connection id was reused can never
 * credit the new connection with the old one's bytes. A Data frame's payload is released
 * ({@link Payloads}) when its entry leaves the log.
 */
final class OutboundLog {
    record Entry(SequencedFrame frame, Connection connection) {
    }

    private final ArrayDeque<Entry> unacked = new ArrayDeque<>();
    /** The latest id the peer acked; the log holds the ids after it. Serial16.NONE in a new session. */
    private int ackedThrough = Serial16.NONE;
    /** The connection of the latest acked message, so a repeated Ack's window still counts. */
    private Connection ackedThroughConnection;
    /** Payload bytes of the unacked Data frames: what the log holds in memory. */
    private long dataBytes;

    int nextId() {
        return Serial16.add(ackedThrough, unacked.size() + 1);
    }

    /** The latest id assigned (Serial16.NONE before any). */
    int lastAssigned() {
        return Serial16.add(ackedThrough, unacked.size());
    }

    int ackedThrough() {
        return ackedThrough;
    }

    Connection ackedThroughConnection() {
        return ackedThroughConnection;
    }

    int size() {
        return unacked.size();
    }

    void append(SequencedFrame frame, Connection connection) {
        if (frame.messageId() != nextId()) {
            throw new IllegalStateException("frame id " + frame.messageId() + " is not the next id " + nextId());
        }
        unacked.addLast(new Entry(frame, connection));
        dataBytes += payloadOf(frame);
    }

    /** The peer has the payload, or nobody ever will: its buffer goes back ({@link Payloads}). */
    private static void release(Entry e) {
        if (e.frame() instanceof Data d) {
            Payloads.release(d.payload());
        }
    }

    private void releaseAll() {
        Entry e;
        while ((e = unacked.pollFirst()) != null) {
            release(e);
        }
    }

    private static long payloadOf(SequencedFrame f) {
        return f instanceof Data d ? d.length() : 0;
    }

    long dataBytes() {
        return dataBytes;
    }

    /**
     * How many unacked messages an Ack of {@code id} covers: 0 for an id already acked (or,
     * after a lagging record, older), -1 for an id not yet sent, which is a protocol error.
     */
    int coverage(int id) {
        int d = Serial16.distance(ackedThrough, id);
        if (d <= 0) {
            return 0;
        }
        return d <= unacked.size() ? d : -1;
    }

    /** Removes the first {@code count} entries, handing each to {@code acked} in order. */
    void ack(int count, Consumer<Entry> acked) {
        for (int i = 0; i < count; i++) {
            Entry e = unacked.removeFirst();
            dataBytes -= payloadOf(e.frame());
            ackedThrough = e.frame().messageId();
            ackedThroughConnection = e.connection();
            acked.accept(e);
            release(e);
        }
    }

    /** Rebuilds every frame through {@code restamp} (same id, same order) and returns the entries. */
    Iterable<Entry> restampAll(UnaryOperator<Entry> restamp) {
        int n = unacked.size();
        for (int i = 0; i < n; i++) {
            unacked.addLast(restamp.apply(unacked.removeFirst()));
        }
        return unacked;
    }

    Iterable<Entry> entries() {
        return unacked;
    }

    /** Starts from a recorded state: the peer acked through {@code acked}; {@code entries} follow it. */
    void restore(int acked, Iterable<Entry> entries) {
        reset();
        ackedThrough = acked;
        for (Entry e : entries) {
            append(e.frame(), e.connection());
        }
    }

    /** Forgets everything up to {@code id}, which is at or after the latest id assigned. */
    void fastForward(int id) {
        releaseAll();
        dataBytes = 0;
        ackedThrough = id;
        ackedThroughConnection = null;
    }

    void reset() {
        releaseAll();
        dataBytes = 0;
        ackedThrough = Serial16.NONE;
        ackedThroughConnection = null;
    }
}
