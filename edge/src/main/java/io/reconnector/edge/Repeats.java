package io.reconnector.edge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Keeps repeated log lines from filling a disk: per kind of line, the first few in each
 * ten-second window are written, the rest only counted, and the count is written once as
 * "… and 1,499 more like it in the last 10 s" — when the next line of that kind comes, or, for
 * a flood that stopped, by a background sweep.
 */
final class Repeats {
    static final long WINDOW_MILLIS = 10_000;
    /** Lines of one kind written in full per window before the rest are only counted. */
    static final int WRITTEN_PER_WINDOW = 10;

    /** Writes a summary: the kind, how many were not written, over how long. */
    interface Summary {
        void write(String kind, long suppressed, long windowMillis);
    }

    private static final class Window {
        long start;
        int written;
        long suppressed;
        Summary summary;
    }

    private final Map<String, Window> windows = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private ScheduledExecutorService sweeper;

    Repeats(LongSupplier clock) {
        this.clock = clock;
    }

    /** True when this line of {@code kind} is to be written; false when it is only counted. */
    boolean admit(String kind, Summary summary) {
        Window w = windows.computeIfAbsent(kind, k -> {
            startSweeper(); // kinds per source come and go: the sweep forgets the quiet ones
            return new Window();
        });
        long suppressedBefore;
        boolean admit;
        synchronized (w) {
            long now = clock.getAsLong();
            suppressedBefore = 0;
            if (now - w.start >= WINDOW_MILLIS) {
                suppressedBefore = w.suppressed;
                w.start = now;
                w.written = 0;
                w.suppressed = 0;
            }
            w.summary = summary;
            admit = w.written < WRITTEN_PER_WINDOW;
            if (admit) {
                w.written++;
            } else {
                w.suppressed++;
                startSweeper();
            }
        }
        if (suppressedBefore > 0) {
            summary.write(kind, suppressedBefore, WINDOW_MILLIS);
        }
        return admit;
    }

    /** Writes the summaries of windows that ended with lines only counted; forgets kinds gone quiet. */
    void sweep() {
        long now = clock.getAsLong();
        List<Runnable> due = new ArrayList<>();
        windows.forEach((kind, w) -> {
            synchronized (w) {
                if (w.suppressed == 0 && now - w.start >= 2 * WINDOW_MILLIS) {
                    windows.remove(kind, w);
                } else if (w.suppressed > 0 && now - w.start >= WINDOW_MILLIS) {
                    long n = w.suppressed;
                    Summary s = w.summary;
                    w.suppressed = 0;
                    w.written = 0;
                    w.start = now;
                    due.add(() -> s.write(kind, n, WINDOW_MILLIS));
                }
            }
        });
        due.forEach(Runnable::run);
    }

    /** Kinds of line being counted now (each source of a per-source kind is one). */
    int kinds() {
        return windows.size();
    }

    private synchronized void startSweeper() {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "log-repeats");
                t.setDaemon(true);
                return t;
            });
            sweeper.scheduleAtFixedRate(this::sweep, WINDOW_MILLIS, WINDOW_MILLIS / 2, TimeUnit.MILLISECONDS);
        }
    }
}
