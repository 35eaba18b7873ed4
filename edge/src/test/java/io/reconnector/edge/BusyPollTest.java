package io.reconnector.edge;

import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SelectStrategy;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.IntSupplier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** When a loop polls before it sleeps, and when it stops; time is the test's own. */
class BusyPollTest {
    private static final long WINDOW_NANOS = 100_000;
    /** What each non-blocking select costs on the test's clock. */
    private static final long SELECT_NANOS = 10_000;

    /** {@code System.nanoTime}'s origin is arbitrary: its readings may be negative. */
    private long now = -1_000_000_000L;
    private int selects;
    private final ArrayDeque<Integer> ready = new ArrayDeque<>();
    private final BusyPoll poll = new BusyPoll(Duration.ofNanos(WINDOW_NANOS), () -> now);

    /** A selectNow that finds what {@link #ready} holds next (nothing once it is empty). */
    private final IntSupplier selectNow = () -> {
        selects++;
        now += SELECT_NANOS;
        Integer n = ready.poll();
        return n == null ? 0 : n;
    };

    /** One wait of the loop: the strategy's answer, and how many selects it made. */
    private int waitOnce() throws Exception {
        selects = 0;
        return poll.calculateStrategy(selectNow, false);
    }

    /** The loop blocked and was woken {@code nanos} after its wait began (the poll included). */
    private void blockedFor(long nanos) {
        now += nanos;
    }

    @Test
    void aLoopThatHasSeenNoTrafficSleepsWithoutPolling() throws Exception {
        assertEquals(SelectStrategy.SELECT, waitOnce());
        assertEquals(0, selects);
    }

    @Test
    void afterAShortWaitTheNextWaitPollsAndServesWhatComesWithoutSleeping() throws Exception {
        waitOnce();
        blockedFor(30_000); // woken 30 µs later: polling would have caught it
        ready.addAll(List.of(0, 0, 2));
        assertEquals(2, waitOnce(), "the two ready sockets are served without a blocking select");
        assertEquals(3, selects);
        ready.addAll(List.of(0, 1));
        assertEquals(1, waitOnce(), "polling goes on after it paid");
    }

    @Test
    void itPollsNoLongerThanItsWindowAndStopsAfterLongWaitsInARow() throws Exception {
        waitOnce();
        blockedFor(30_000);
        for (int i = 0; i < BusyPoll.LONG_WAITS_TO_STOP; i++) {
            assertEquals(SelectStrategy.SELECT, waitOnce(), "nothing came within the window: the loop blocks");
            assertEquals(WINDOW_NANOS / SELECT_NANOS, selects, "it polled for its window, no longer");
            blockedFor(5_000_000); // a real network's answer, 5 ms later
        }
        assertEquals(SelectStrategy.SELECT, waitOnce());
        assertEquals(0, selects, "after " + BusyPoll.LONG_WAITS_TO_STOP + " long waits in a row it no longer polls");
        blockedFor(20_000);
        ready.add(1);
        assertEquals(1, waitOnce(), "a short wait starts it polling again");
    }

    /**
     * A task another thread queues while the loop polls (a bridged transport's frames, a
     * worker's result) is run at once, not when the window ends: on a real Netty loop, whose
     * queue the poll looks at.
     */
    @Test
    void aTaskQueuedWhilePollingEndsThePoll() throws Exception {
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            EventLoop loop = group.next();
            int[] selectsWithATaskQueued = new int[1];
            loop.submit(() -> {
                waitOnce();
                blockedFor(30_000);
                loop.execute(() -> { }); // queued behind this task, as another thread's would be
                waitOnce();
                selectsWithATaskQueued[0] = selects;
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertEquals(1, selectsWithATaskQueued[0], "one select, then the queued task");
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLoopWithTasksQueuedNeverWaits() throws Exception {
        waitOnce();
        blockedFor(30_000);
        assertEquals(0, poll.calculateStrategy(selectNow, true));
        assertEquals(1, selects, "one non-blocking select, then the tasks");
    }
}
