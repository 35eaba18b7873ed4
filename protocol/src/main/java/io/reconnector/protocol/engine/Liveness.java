package io.reconnector.protocol.engine;

/**
 * The session's timers (PROTOCOL.md §6): a Keepalive after the keepalive interval without
 * sending, a dead transport after the dead interval without receiving. Time is whatever the
 * edge passes to {@link #tick}; activity is stamped at the tick that observes it, so both
 * intervals are accurate to one tick.
 */
final class Liveness {
    private final SessionState s;
    private long lastSentAt;
    private long lastReceivedAt;
    private boolean receivedSinceTick;

    Liveness(SessionState s) {
        this.s = s;
    }

    void received() {
        receivedSinceTick = true;
    }

    /** A transport was just attached: both timers start now. */
    void restart(long nowMillis) {
        lastReceivedAt = nowMillis;
        lastSentAt = nowMillis;
        receivedSinceTick = false;
        s.sentSinceTick = false;
    }

    /** What the timers ask for at {@code nowMillis}. */
    enum Due {
        NOTHING,
        KEEPALIVE,
        /** Nothing heard for the dead interval: the transport is lost. */
        DEAD
    }

    Due tick(long nowMillis) {
        if (receivedSinceTick) {
            lastReceivedAt = nowMillis;
            receivedSinceTick = false;
        }
        if (s.sentSinceTick) {
            lastSentAt = nowMillis;
            s.sentSinceTick = false;
        }
        if (s.link == SessionEngine.Link.DETACHED) {
            return Due.NOTHING;
        }
        if (silentMillis(nowMillis) >= s.config.deadMillis()) {
            return Due.DEAD;
        }
        if (s.attached() && nowMillis - lastSentAt >= s.config.keepaliveMillis()) {
            return Due.KEEPALIVE;
        }
        return Due.NOTHING;
    }

    long silentMillis(long nowMillis) {
        return nowMillis - lastReceivedAt;
    }

    /** A Keepalive went out at the tick of {@code nowMillis}. */
    void keepaliveSent(long nowMillis) {
        lastSentAt = nowMillis;
        s.sentSinceTick = false;
    }
}
