package io.reconnector.agent;

/**
 * Notices that the agent did not run for a while — a laptop that slept, a process that was
 * stopped — from the gap between two ticks. A transport that lived through that is probably
 * dead (the relay gave up on it, a NAT forgot it) while looking fine, and waiting out the dead
 * interval would freeze every connection for that long; reconnecting at once costs one resume.
 * Both clocks are read: the monotonic one stops during suspend on Linux, the wall clock does not,
 * and a stopped process sees both jump. Pure: the clocks are passed in.
 */
final class WakeDetector {
    /** A gap shorter than this is a busy machine or a GC pause, not a sleep. */
    static final long MIN_GAP_MILLIS = 2000;

    private final long thresholdMillis;
    private long lastWallMillis = -1;
    private long lastMonoNanos;

    /** @param deadMillis the agent's dead interval: half of it without a tick counts as a sleep */
    WakeDetector(long deadMillis) {
        this.thresholdMillis = Math.max(MIN_GAP_MILLIS, deadMillis / 2);
    }

    /** Called at each tick; returns how long the agent was away (ms), or 0 when it was not. */
    long tick(long wallMillis, long monoNanos) {
        long gap = 0;
        if (lastWallMillis >= 0) {
            gap = Math.max(wallMillis - lastWallMillis, (monoNanos - lastMonoNanos) / 1_000_000);
        }
        lastWallMillis = wallMillis;
        lastMonoNanos = monoNanos;
        return gap >= thresholdMillis ? gap : 0;
    }
}
