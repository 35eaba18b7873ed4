package io.reconnector.relay;

import io.reconnector.store.SessionRecord;
import io.reconnector.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Keeps one session's record in the cluster store in step with the session: at most one write
 * in flight, a write at most every replication interval while things change, a failed write
 * retried with backoff, and {@link #recorded()} for whoever must wait until the state as it
 * is now is safely stored (a connection is answered Connected only once it is recorded, so a node that takes
 * the session over never dials it twice).
 *
 * <p>A write the store refuses because another owner holds a newer epoch means this node has
 * been fenced off: {@link Owner#fenced()} is told, and every waiter fails.
 */
final class RecordReplicator {
    /** Attempts a waiter sits through before it is told the store is unavailable. */
    static final int ATTEMPTS_BEFORE_GIVING_UP = 4;
    private static final long FIRST_RETRY_MILLIS = 50;
    private static final long MAX_RETRY_MILLIS = 2000;

    /** What the replicator needs from its session. */
    interface Owner {
        /** The record as it should be stored now. */
        SessionRecord snapshot();

        /** The store holds a newer epoch: someone else owns the session now. */
        void fenced();

        /** A write failed ({@code attempt} in a row) or, with {@code attempt} 0, the store came back. */
        void storeTrouble(int attempt, Throwable cause);

        /** A write succeeded and took {@code nanos} (for the record-write latency metric). */
        default void written(long nanos) {
        }
    }

    /** The session's record could not be stored; {@link #fencedOff()} tells the two reasons apart. */
    static final class NotRecorded extends Exception {
        private final boolean fencedOff;

        NotRecorded(boolean fencedOff, String why) {
            super(why);
            this.fencedOff = fencedOff;
        }

        boolean fencedOff() {
            return fencedOff;
        }
    }

    private record Waiter(long generation, Promise<Void> promise, int attemptsLeft) {
    }

    private final Vertx vertx;
    private final SessionStore store;
    private final long intervalMillis;
    private final Supplier<Long> clock;
    private final Owner owner;
    private final List<Waiter> waiters = new ArrayList<>();
    /** Bumped by every change; a write stores the generation current when it started. */
    private long generation;
    /** A session starts from a record already in the store (written by Start, a handover or a takeover). */
    private long storedGeneration;
    private boolean inFlight;
    private long retryTimer = -1;
    private int failuresInARow;
    private long lastWriteAt = Long.MIN_VALUE / 2;
    private boolean stopped;

    RecordReplicator(Vertx vertx, SessionStore store, long intervalMillis, Supplier<Long> clock, Owner owner) {
        this.vertx = vertx;
        this.store = store;
        this.intervalMillis = intervalMillis;
        this.clock = clock;
        this.owner = owner;
    }

    /** Something the record holds changed. */
    void changed() {
        generation++;
    }

    boolean dirty() {
        return storedGeneration < generation;
    }

    /** On the session's tick: write if there is news and the interval has passed. */
    void tick() {
        if (dirty() && idle() && clock.get() - lastWriteAt >= intervalMillis) {
            write();
        }
    }

    /** Completes once a write holding the state as it is now has been stored. */
    Future<Void> recorded() {
        if (stopped) {
            return Future.failedFuture(new NotRecorded(false, "the session is no longer served here"));
        }
        if (!dirty()) {
            return Future.succeededFuture();
        }
        Promise<Void> p = Promise.promise();
        waiters.add(new Waiter(generation, p, ATTEMPTS_BEFORE_GIVING_UP));
        if (idle()) {
            write();
        }
        return p.future();
    }

    /** The session is no longer served here: write nothing more, fail whoever waits. */
    void stop() {
        stopped = true;
        if (retryTimer >= 0) {
            vertx.cancelTimer(retryTimer);
            retryTimer = -1;
        }
        failAll(new NotRecorded(false, "the session is no longer served here"));
    }

    private boolean idle() {
        return !inFlight && retryTimer < 0 && !stopped;
    }

    private void write() {
        inFlight = true;
        long gen = generation;
        lastWriteAt = clock.get();
        long started = System.nanoTime();
        store.update(owner.snapshot()).onComplete(ar -> {
            inFlight = false;
            if (ar.succeeded()) {
                owner.written(System.nanoTime() - started);
            }
            if (stopped) {
                return;
            }
            if (ar.failed()) {
                failed(ar.cause());
            } else if (!ar.result()) {
                stopped = true;
                failAll(new NotRecorded(true, "another node holds a newer epoch of this session"));
                owner.fenced();
            } else {
                stored(gen);
            }
        });
    }

    private void stored(long gen) {
        if (failuresInARow > 0) {
            failuresInARow = 0;
            owner.storeTrouble(0, null);
        }
        storedGeneration = gen;
        waiters.removeIf(w -> {
            if (w.generation() <= gen) {
                w.promise().complete();
                return true;
            }
            return false;
        });
        if (!waiters.isEmpty()) {
            write(); // things changed while we wrote, and someone waits for them
        }
    }

    private void failed(Throwable cause) {
        failuresInARow++;
        owner.storeTrouble(failuresInARow, cause);
        List<Waiter> still = new ArrayList<>();
        for (Waiter w : waiters) {
            if (w.attemptsLeft() <= 1) {
                w.promise().fail(new NotRecorded(false, "the session store is unavailable: " + cause.getMessage()));
            } else {
                still.add(new Waiter(w.generation(), w.promise(), w.attemptsLeft() - 1));
            }
        }
        waiters.clear();
        waiters.addAll(still);
        long delay = Math.min(MAX_RETRY_MILLIS, FIRST_RETRY_MILLIS << Math.min(10, failuresInARow - 1));
        retryTimer = vertx.setTimer(delay, id -> {
            retryTimer = -1;
            if (!stopped && dirty()) {
                write();
            }
        });
    }

    private void failAll(NotRecorded why) {
        List<Waiter> all = new ArrayList<>(waiters);
        waiters.clear();
        for (Waiter w : all) {
            w.promise().fail(why);
        }
    }
}
