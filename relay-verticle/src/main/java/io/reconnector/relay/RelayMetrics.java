package io.reconnector.relay;

import java.util.concurrent.atomic.AtomicLong;

/** Counters of what a relay did; tests read them, and an operator's metrics endpoint will. */
public final class RelayMetrics {
    public final AtomicLong protocolErrors = new AtomicLong();
    public final AtomicLong sessionsStarted = new AtomicLong();
    public final AtomicLong sessionsResumed = new AtomicLong();
    public final AtomicLong sessionsRejected = new AtomicLong();
    public final AtomicLong sessionsExpired = new AtomicLong();
    public final AtomicLong connectionsOpened = new AtomicLong();
    public final AtomicLong connectionsDenied = new AtomicLong();
    public final AtomicLong takeovers = new AtomicLong();
    public final AtomicLong forwarded = new AtomicLong();
    /** Refusals by the limit that made them. */
    public final java.util.Map<Limits.Limit, AtomicLong> limitRefusals = new java.util.EnumMap<>(Limits.Limit.class);

    public RelayMetrics() {
        for (Limits.Limit l : Limits.Limit.values()) {
            limitRefusals.put(l, new AtomicLong());
        }
    }

    public long refusedBy(Limits.Limit l) {
        return limitRefusals.get(l).get();
    }

    @Override
    public String toString() {
        return "sessions started=" + sessionsStarted + " resumed=" + sessionsResumed + " rejected=" + sessionsRejected
                + " expired=" + sessionsExpired + ", connections opened=" + connectionsOpened + " denied="
                + connectionsDenied + ", takeovers=" + takeovers + " forwarded=" + forwarded + ", protocol errors=" + protocolErrors;
    }
}
