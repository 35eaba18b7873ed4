package io.reconnector.relay;

import io.reconnector.store.SessionRecord;
import io.reconnector.store.SessionStore;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replicator against a store whose every write the test answers by hand. */
@ExtendWith(VertxExtension.class)
class RecordReplicatorTest {
    private static final long INTERVAL = 200;

    /** A store that parks each update until the test completes it. */
    private static final class HandStore implements SessionStore {
        final List<Promise<Boolean>> writes = new CopyOnWriteArrayList<>();
        final List<SessionRecord> written = new CopyOnWriteArrayList<>();

        @Override
        public Future<Boolean> update(SessionRecord record) {
            Promise<Boolean> p = Promise.promise();
            written.add(record);
            writes.add(p);
            return p.future();
        }

        @Override
        public Future<Optional<SessionRecord>> get(io.reconnector.store.SessionKey key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Started> start(io.reconnector.store.SessionKey key, String node, long now) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Boolean> replace(long expectedEpoch, SessionRecord next) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Integer> countSessions(String identity, long exceptClientId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Boolean> remove(io.reconnector.store.SessionKey key, long epoch) {
            throw new UnsupportedOperationException();
        }
    }

    private static final class Owner implements RecordReplicator.Owner {
        final AtomicInteger version = new AtomicInteger();
        final AtomicInteger fenced = new AtomicInteger();
        final List<Integer> trouble = new CopyOnWriteArrayList<>();

        @Override
        public SessionRecord snapshot() {
            return SessionRecord.started(io.reconnector.store.SessionKey.anonymous(1), 1, "n1", version.get());
        }

        @Override
        public void fenced() {
            fenced.incrementAndGet();
        }

        @Override
        public void storeTrouble(int attempt, Throwable cause) {
            trouble.add(attempt);
        }
    }

    private final HandStore store = new HandStore();
    private final Owner owner = new Owner();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    /** Runs {@code action} on the event loop, as the relay does, and returns its result. */
    private static <T> T onLoop(Vertx vertx, Supplier<T> action) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        vertx.runOnContext(v -> f.complete(action.get()));
        return f.get(5, TimeUnit.SECONDS);
    }

    /** Runs {@code action} on the event loop and waits until it has run. */
    private static void run(Vertx vertx, Runnable action) throws Exception {
        onLoop(vertx, () -> {
            action.run();
            return null;
        });
    }

    private RecordReplicator replicator(Vertx vertx) throws Exception {
        return onLoop(vertx, () -> new RecordReplicator(vertx, store, INTERVAL, clock::get, owner));
    }

    private void change(Vertx vertx, RecordReplicator r) throws Exception {
        run(vertx, () -> {
            owner.version.incrementAndGet();
            r.changed();
        });
    }

    @Test
    void recordedWaitsForAWriteOfTheStateAsItIsNowAndOnlyOneWriteIsInFlight(Vertx vertx) throws Exception {
        RecordReplicator r = replicator(vertx);
        change(vertx, r);
        Future<Void> first = onLoop(vertx, r::recorded);
        assertEquals(1, store.writes.size(), "a write started at once");
        change(vertx, r); // more changes while it is in flight
        Future<Void> second = onLoop(vertx, r::recorded);
        assertEquals(1, store.writes.size(), "still one write in flight");
        run(vertx, () -> store.writes.get(0).complete(true));
        await().atMost(Duration.ofSeconds(5)).until(first::succeeded);
        assertFalse(second.isComplete(), "the first write did not hold the second change");
        await().atMost(Duration.ofSeconds(5)).until(() -> store.writes.size() == 2);
        assertEquals(2, store.written.get(1).changedAt(), "the next write holds the latest state");
        run(vertx, () -> store.writes.get(1).complete(true));
        await().atMost(Duration.ofSeconds(5)).until(second::succeeded);
        assertFalse(onLoop(vertx, r::dirty));
    }

    @Test
    void ticksWriteAtMostOncePerIntervalAndOnlyWhenSomethingChanged(Vertx vertx) throws Exception {
        RecordReplicator r = replicator(vertx);
        run(vertx, r::tick);
        assertEquals(0, store.writes.size(), "nothing changed, nothing written");
        change(vertx, r);
        run(vertx, r::tick);
        assertEquals(1, store.writes.size());
        run(vertx, () -> store.writes.get(0).complete(true));
        change(vertx, r);
        run(vertx, r::tick);
        assertEquals(1, store.writes.size(), "not before the interval has passed");
        clock.addAndGet(INTERVAL);
        run(vertx, r::tick);
        assertEquals(2, store.writes.size(), "once it has");
    }

    @Test
    void aFailedWriteIsRetriedAndAWaiterIsToldAfterItsAttempts(Vertx vertx) throws Exception {
        RecordReplicator r = replicator(vertx);
        change(vertx, r);
        Future<Void> waiting = onLoop(vertx, r::recorded);
        for (int attempt = 1; attempt <= RecordReplicator.ATTEMPTS_BEFORE_GIVING_UP; attempt++) {
            int n = attempt;
            await("write " + n).atMost(Duration.ofSeconds(10)).until(() -> store.writes.size() == n);
            run(vertx, () -> store.writes.get(n - 1).fail(new IllegalStateException("store down")));
        }
        await().atMost(Duration.ofSeconds(5)).until(waiting::failed);
        RecordReplicator.NotRecorded why = assertInstanceOf(RecordReplicator.NotRecorded.class, waiting.cause());
        assertFalse(why.fencedOff(), "unavailable, not fenced");
        assertEquals(List.of(1, 2, 3, 4), owner.trouble.subList(0, 4), "each failure reported, in a row");
        // The replicator keeps trying on its own; when the store is back, the record is written.
        await("a retry").atMost(Duration.ofSeconds(10)).until(() -> store.writes.size() == 5);
        run(vertx, () -> store.writes.get(4).complete(true));
        await().atMost(Duration.ofSeconds(5)).until(() -> owner.trouble.contains(0));
        assertFalse(onLoop(vertx, r::dirty), "written after all");
    }

    @Test
    void aRefusedWriteMeansFencedOffWaitersFailAndNothingMoreIsWritten(Vertx vertx) throws Exception {
        RecordReplicator r = replicator(vertx);
        change(vertx, r);
        Future<Void> waiting = onLoop(vertx, r::recorded);
        run(vertx, () -> store.writes.get(0).complete(false));
        await().atMost(Duration.ofSeconds(5)).until(waiting::failed);
        assertTrue(((RecordReplicator.NotRecorded) waiting.cause()).fencedOff());
        assertEquals(1, owner.fenced.get());
        change(vertx, r);
        clock.addAndGet(INTERVAL);
        run(vertx, r::tick);
        assertEquals(1, store.writes.size(), "a fenced-off node writes nothing more");
        assertTrue(onLoop(vertx, r::recorded).failed());
    }
}
