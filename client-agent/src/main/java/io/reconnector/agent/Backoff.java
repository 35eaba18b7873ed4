package io.reconnector.agent;

import java.util.function.DoubleSupplier;

/**
 * When to try the relay again: at once after the first loss (a cut link often comes straight
 * back), then after 100 ms, doubling up to a cap; each delay spread by ±25 % so that many
 * agents cut off together do not come back in lockstep. Pure: the randomness is passed in.
 */
final class Backoff {
    static final long FIRST_DELAY_MILLIS = 100;
    static final double JITTER = 0.25;

    private final long maxMillis;
    private final DoubleSupplier random;
    private int failures;

    /** @param random values in [0, 1) */
    Backoff(long maxMillis, DoubleSupplier random) {
        if (maxMillis < FIRST_DELAY_MILLIS) {
            throw new IllegalArgumentException("the longest backoff must be at least " + FIRST_DELAY_MILLIS + " ms");
        }
        this.maxMillis = maxMillis;
        this.random = random;
    }

    /** The wait before the next attempt; each call counts one more failed attempt. */
    long nextDelayMillis() {
        long base = failures == 0 ? 0 : Math.min(maxMillis, FIRST_DELAY_MILLIS << Math.min(20, failures - 1));
        failures++;
        double spread = 1 - JITTER + random.getAsDouble() * 2 * JITTER;
        return Math.round(base * spread);
    }

    /** Attempts that have failed since the last success. */
    int failures() {
        return failures;
    }

    /** A session was established: the next loss starts over with an immediate retry. */
    void reset() {
        failures = 0;
    }
}
