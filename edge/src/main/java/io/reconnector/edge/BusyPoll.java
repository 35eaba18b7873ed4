package io.reconnector.edge;

import io.netty.channel.SelectStrategy;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.ThreadExecutorMap;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How an event loop waits for I/O: with nothing to do, it polls its sockets for a little while
 * (non-blocking selects, giving its core to any other runnable thread between them) before it
 * blocks in the kernel. A loop that blocks is woken by the kernel when a packet comes, and on a
 * virtual machine that wake-up (an idle virtual CPU halted by its host, then interrupted) costs
 * tens of microseconds on every hop; an answer that comes while the loop still polls costs none.
 *
 * <p>It polls only while polling pays: a wait that ends within the window, or would have,
 * keeps the loop polling; after {@link #LONG_WAITS_TO_STOP} waits in a row that outlast it
 * (quiet sockets, or answers that take a real network's milliseconds) it stops until a short
 * wait comes again. So a loop in a fast exchange polls through each gap, and a quiet one spends
 * at most that many windows before it sleeps as it would without. (Linux's guest halt-polling
 * adapts the same way; a window that grows and shrinks by halves, tried first, stopped polling
 * too early in a connect loop whose waits straddle the window.) One instance per event loop: it
 * runs on that loop's thread only.
 */
final class BusyPoll implements SelectStrategy {
    /** Waits in a row longer than the window after which a loop stops polling. */
    static final int LONG_WAITS_TO_STOP = 4;

    private final long windowNanos;
    /** Waits in a row that outlasted the window; polling stops at {@link #LONG_WAITS_TO_STOP}. */
    private int longWaits = LONG_WAITS_TO_STOP;
    /** Whether the last wait ended up blocked in the kernel, and when it began. */
    private boolean lastWaitBlocked;
    private long blockedWaitBegan;
    /** This loop, for its queue of tasks; looked up on its own thread at the first poll. */
    private SingleThreadEventExecutor loop;

    /** Reads the time in nanoseconds ({@link System#nanoTime}; a test's own clock in tests). */
    private final LongSupplier clock;

    BusyPoll(Duration window) {
        this(window, System::nanoTime);
    }

    BusyPoll(Duration window, LongSupplier clock) {
        this.windowNanos = window.toNanos();
        this.clock = clock;
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            return selectNow.get(); // never wait while tasks are queued
        }
        long began = clock.getAsLong();
        countLastWait(began);
        long deadline = began + windowNanos;
        while (polling() && clock.getAsLong() - deadline < 0) {
            int ready = selectNow.get();
            // Another thread's task is run now too, not when the window ends.
            if (ready > 0 || tasksQueued()) {
                longWaits = 0; // polling paid
                return ready;
            }
            Thread.yield();
        }
        lastWaitBlocked = true;
        blockedWaitBegan = began;
        return SelectStrategy.SELECT;
    }

    /**
     * Counts the last wait if it blocked: a short one (possible only when not polling) starts
     * polling again; a long one (every blocked wait while polling) counts towards stopping.
     */
    private void countLastWait(long now) {
        if (!lastWaitBlocked) {
            return;
        }
        longWaits = now - blockedWaitBegan <= windowNanos ? 0 : Math.min(LONG_WAITS_TO_STOP, longWaits + 1);
        lastWaitBlocked = false;
    }

    private boolean polling() {
        return longWaits < LONG_WAITS_TO_STOP;
    }

    private boolean tasksQueued() {
        if (loop == null) {
            EventExecutor current = ThreadExecutorMap.currentExecutor();
            if (!(current instanceof SingleThreadEventExecutor s)) {
                return false;
            }
            loop = s;
        }
        return loop.pendingTasks() > 0;
    }
}
