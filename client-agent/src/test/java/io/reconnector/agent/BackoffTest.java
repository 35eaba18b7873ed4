package io.reconnector.agent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static List<Long> delays(Backoff b, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.nextDelayMillis());
        }
        return out;
    }

    @Test
    void firstRetryAtOnceThenDoublingFrom100msUpToTheCap() {
        Backoff b = new Backoff(1000, () -> 0.5); // 0.5: no jitter either way
        assertEquals(List.of(0L, 100L, 200L, 400L, 800L, 1000L, 1000L), delays(b, 7));
    }

    @Test
    void jitterSpreadsEachDelayByAQuarterEitherWay() {
        assertEquals(List.of(0L, 75L, 150L, 300L), delays(new Backoff(5000, () -> 0.0), 4));
        assertEquals(List.of(0L, 125L, 250L, 500L), delays(new Backoff(5000, () -> 0.999999), 4));
        Random rnd = new Random(7);
        Backoff b = new Backoff(5000, rnd::nextDouble);
        b.nextDelayMillis();
        for (long base = 100; base <= 5000; base = Math.min(5000, base * 2)) {
            long d = b.nextDelayMillis();
            assertTrue(d >= base * 0.75 && d <= base * 1.25, d + " within 25 % of " + base);
            if (base == 5000) {
                break;
            }
        }
    }

    @Test
    void aSuccessStartsOverWithAnImmediateRetry() {
        Backoff b = new Backoff(1000, () -> 0.5);
        delays(b, 5);
        assertEquals(5, b.failures());
        b.reset();
        assertEquals(List.of(0L, 100L), delays(b, 2));
    }

    @Test
    void manyFailuresNeverOverflowPastTheCap() {
        Backoff b = new Backoff(30_000, () -> 0.5);
        for (int i = 0; i < 200; i++) {
            assertTrue(b.nextDelayMillis() <= 30_000);
        }
    }

    @Test
    void aCapBelowTheFirstDelayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Backoff(50, () -> 0.5));
    }
}
