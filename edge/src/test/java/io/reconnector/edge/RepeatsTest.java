package io.reconnector.edge;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RepeatsTest {
    private final AtomicLong now = new AtomicLong(100_000);
    private final Repeats repeats = new Repeats(now::get);
    private final List<String> summaries = new ArrayList<>();

    private int written(String kind, int lines) {
        int n = 0;
        for (int i = 0; i < lines; i++) {
            n += repeats.admit(kind, (k, s, w) -> summaries.add(k + ":" + s)) ? 1 : 0;
        }
        return n;
    }

    @Test
    void aFloodIsWrittenAsAFewLinesAndACount() {
        assertEquals(Repeats.WRITTEN_PER_WINDOW, written("garbage", 1500));
        assertEquals(List.of(), summaries, "the count comes when the window is over");
        now.addAndGet(Repeats.WINDOW_MILLIS);
        assertEquals(1, written("garbage", 1));
        assertEquals(List.of("garbage:" + (1500 - Repeats.WRITTEN_PER_WINDOW)), summaries);
    }

    @Test
    void kindsAreCountedApart() {
        written("a", 100);
        assertEquals(Repeats.WRITTEN_PER_WINDOW, written("b", 2 * Repeats.WRITTEN_PER_WINDOW), "b is not silenced by a's flood");
    }

    @Test
    void aFloodThatStoppedIsSummarisedByTheSweep() {
        written("x", 100);
        repeats.sweep();
        assertEquals(List.of(), summaries, "not before the window is over");
        now.addAndGet(Repeats.WINDOW_MILLIS);
        repeats.sweep();
        assertEquals(List.of("x:" + (100 - Repeats.WRITTEN_PER_WINDOW)), summaries);
        repeats.sweep();
        assertEquals(1, summaries.size(), "written once");
    }

    @Test
    void kindsThatWentQuietAreForgottenSoManySourcesDoNotGrowTheTable() {
        for (int i = 0; i < 1000; i++) {
            written("session.started from 10.0." + (i >> 8) + "." + (i & 255), 1);
        }
        assertEquals(1000, repeats.kinds());
        now.addAndGet(2 * Repeats.WINDOW_MILLIS);
        repeats.sweep();
        assertEquals(0, repeats.kinds());
        assertEquals(List.of(), summaries, "nothing was suppressed, so nothing to summarise");
    }
}
