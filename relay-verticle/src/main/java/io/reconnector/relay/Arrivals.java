package io.reconnector.relay;

import io.reconnector.store.SessionKey;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sessions a shard of this node is routing from the store: reading the record, asking the home
 * to hand the session over, taking it over. One shard at a time per session, on the whole node:
 * while one routes it, this node may be the session's home in the store before any shard
 * serves it, and a second transport of the client would read "homed here, but not in this
 * process", take for a dead incarnation what is a move in flight, and make a second copy of the
 * session. So the second transport waits, and is routed again once the first is done (when it
 * usually finds the session served here).
 */
final class Arrivals {
    /** Per session being routed: what waits for it to be done. Read and changed only inside the map's atomic calls. */
    private final ConcurrentMap<SessionKey, List<Runnable>> routing = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();

    /**
     * Claims the routing of {@code key}: true when the caller routes it and must {@link #release}
     * it; false when another routing is under way, and {@code whenDone} runs once it is.
     */
    boolean claim(SessionKey key, Runnable whenDone) {
        boolean[] claimed = {false};
        routing.compute(key, (k, waiters) -> {
            if (waiters == null) {
                claimed[0] = true;
                return new ArrayList<>();
            }
            waiters.add(whenDone);
            waiting.incrementAndGet();
            return waiters;
        });
        return claimed[0];
    }

    /** The claimed routing of {@code key} is done: what waited for it runs (on the caller's thread). */
    void release(SessionKey key) {
        List<Runnable> waiters = routing.remove(key);
        if (waiters == null) {
            throw new IllegalStateException("released a routing of " + key + " that was not claimed");
        }
        waiting.addAndGet(-waiters.size());
        waiters.forEach(Runnable::run);
    }

    /** How many transports wait for another routing of their session. */
    int waiting() {
        return waiting.get();
    }
}
