package io.reconnector.edge;

import io.reconnector.protocol.engine.SessionEngine;
import io.vertx.core.Vertx;

/**
 * Holds a session's coalesced Ack back for a moment after a batch of reads, as PROTOCOL.md
 * allows (acks "may be coalesced and delayed a little", sent "within a few milliseconds of
 * going idle"). Whatever the engine sends meanwhile carries the Ack in the same write (the
 * engine adds an owed Ack to any frame it sends), and what follows a read is usually an
 * answer: a request's response, a NewConnection's Connected. The peer then wakes once for
 * both instead of twice, and each side makes one write fewer per round trip.
 * <p>
 * The timer that sends a lone Ack is cancelled as soon as the Ack has gone with something
 * else, so in a conversation it never fires: a timer that fires costs more than the write it
 * saves, because Netty's NIO loop spins through the last half millisecond before a deadline.
 * <p>
 * Acks that keep a sender going are not held: the engine acks at once every quarter window
 * and every {@code ackEveryMessages}, and when it reopens a window.
 */
public final class DelayedAck {
    /** How long an owed Ack waits for a frame to ride on. */
    public static final long DELAY_MILLIS = 1;

    private final Vertx vertx;
    private final SessionEngine engine;
    private final Runnable flush;
    private long timer = -1;

    /** @param flush sends the owed Ack now (the edge runs its engine's {@code flush()} if attached) */
    public DelayedAck(Vertx vertx, SessionEngine engine, Runnable flush) {
        this.vertx = vertx;
        this.engine = engine;
        this.flush = flush;
    }

    /** A batch of reads from the transport was handled. On the session's loop. */
    public void readBatchEnded() {
        if (timer < 0 && engine.ackOwed()) {
            timer = vertx.setTimer(DELAY_MILLIS, id -> {
                timer = -1;
                flush.run();
            });
        }
    }

    /** Whether a lone Ack is due on a timer. */
    boolean armed() {
        return timer >= 0;
    }

    /** The edge applied effects of its engine: if the owed Ack went with them, no timer is needed. */
    public void effectsApplied() {
        if (timer >= 0 && !engine.ackOwed()) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
