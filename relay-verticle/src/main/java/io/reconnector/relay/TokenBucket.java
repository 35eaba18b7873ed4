package io.reconnector.relay;

/**
 * A rate limit: up to {@code perSecond} takes a second on average, with a burst of as many.
 * Pure (the caller passes the time), so it is tested without a clock.
 */
final class TokenBucket {
    private final double perSecond;
    private double tokens;
    private long lastMillis;

    TokenBucket(int perSecond, long nowMillis) {
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.lastMillis = nowMillis;
    }

    /** Takes one token if there is one. */
    boolean take(long nowMillis) {
        long elapsed = Math.max(0, nowMillis - lastMillis);
        lastMillis = nowMillis;
        tokens = Math.min(perSecond, tokens + elapsed * perSecond / 1000.0);
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
